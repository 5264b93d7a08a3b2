package io.cometgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Last handler of an HTTP connection: checks what every request must pass (well-formed,
 * a Host this gateway serves), then dispatches by path to the protocol endpoints, the
 * operational endpoints or the bundled static files.
 */
final class GatewayRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRouter.class);

    private final GatewayContext context;
    private final ProtocolHandler endpoints;
    private final StaticContent statics;
    private final StaticFiles files;
    private final ClientAddressResolver clientAddresses;
    private final String prefix;
    private final OpsEndpoints ops;
    private final UpgradeRoute upgrades;

    /**
     * @param files    {@code --static DIR}, served at / instead of the demo page; {@code null} for none
     * @param upgrades the websockify-compatible endpoint, or {@code null}
     */
    GatewayRouter(GatewayContext context, ProtocolHandler endpoints, StaticContent statics, StaticFiles files,
                  ClientAddressResolver clientAddresses, OpsEndpoints ops, UpgradeRoute upgrades) {
        this.ops = ops;
        this.upgrades = upgrades;
        this.context = context;
        this.endpoints = endpoints;
        this.statics = statics;
        this.files = files;
        this.clientAddresses = clientAddresses;
        this.prefix = context.config().pathPrefix();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        InetSocketAddress peer = ClientPeer.of(ctx.channel());
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        RequestInfo info = new RequestInfo(origin, origin != null && context.decider().isOriginAllowed(origin),
                clientAddresses.resolve(peer.getAddress(), req.headers()), keepAlive, ClientCertificate.subject(ctx.channel()));
        DecoderResult decoded = req.decoderResult();
        if (!decoded.isSuccess()) {
            rejectMalformed(ctx, decoded.cause());
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (OpsEndpoints.isHealth(path)) {
            ops.health(ctx.channel(), path, keepAlive);
            return;
        }
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null || !context.decider().isHostAllowed(host)) {
            error(ctx, HttpResponseStatus.FORBIDDEN, "Host " + (host == null ? "(none)" : "'" + host + "'")
                    + " is not served here (policy 'host' lines)", info, null);
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ctx, info);
        } else if (upgrades != null && !path.startsWith(prefix + "/") && upgrades.accepts(path, req)) {
            upgrades.handle(ctx, req, info);
        } else if (path.startsWith(prefix + "/")) {
            endpoints.handle(ctx, req, path.substring(prefix.length() + 1), info);
        } else if (path.equals(OpsEndpoints.METRICS)) {
            ops.metrics(ctx.channel(), req, keepAlive);
        } else {
            serveStatic(ctx, req, path, info);
        }
    }

    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        RequestInfo closing = new RequestInfo(null, false, null, false);
        if (cause instanceof TooLongHttpLineException) {
            error(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line over the limit", closing, null);
        } else if (cause instanceof TooLongHttpHeaderException) {
            error(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers over the limit", closing, null);
        } else if (cause instanceof TooLongFrameException) {
            error(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body over the limit", closing, null);
        } else {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", closing, null);
        }
    }

    private void preflight(ChannelHandlerContext ctx, RequestInfo info) {
        if (info.origin() == null || !context.decider().isOriginAllowed(info.origin())) {
            error(ctx, HttpResponseStatus.FORBIDDEN, "Origin not allowed", info, null);
            return;
        }
        HttpHeaders headers = info.cors()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "content-type")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        HttpResponses.send(ctx.channel(), HttpResponseStatus.NO_CONTENT, "text/plain", Unpooled.EMPTY_BUFFER,
                info.keepAlive(), headers);
    }

    private void serveStatic(ChannelHandlerContext ctx, FullHttpRequest req, String path, RequestInfo info) {
        boolean clientScript = path.equals("/cometgate.js") || path.startsWith("/js/");
        if (files != null && !clientScript) {
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET", info, null);
                return;
            }
            files.serve(ctx.channel(), path, pageHeaders(files.contentSecurityPolicy()));
            return;
        }
        StaticContent.Asset asset = statics.find(path);
        if (asset == null) {
            error(ctx, HttpResponseStatus.NOT_FOUND, "no such path: " + path, info, null);
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET", info, null);
            return;
        }
        HttpResponses.send(ctx.channel(), HttpResponseStatus.OK, asset.contentType(),
                Unpooled.wrappedBuffer(asset.bytes()), info.keepAlive(), pageHeaders(BUNDLED_CSP));
    }

    /**
     * The bundled demo pages and client scripts need no inline script and no worker, so they keep
     * the strict policy; {@code --static} pages get {@code --csp} (see {@link StaticFiles#DEFAULT_CSP}).
     */
    private static final String BUNDLED_CSP =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-src 'self'";

    private static HttpHeaders pageHeaders(String contentSecurityPolicy) {
        return new DefaultHttpHeaders()
                .set("Content-Security-Policy", contentSecurityPolicy)
                .set("Referrer-Policy", "no-referrer");
    }

    private void error(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, RequestInfo info, HttpHeaders extra) {
        context.metrics().httpErrors.increment();
        HttpResponses.error(ctx.channel(), status, reason, info.keepAlive(), extra);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (DirectMemoryExhaustion.closeIfExhausted(ctx, cause, context.metrics().directMemoryExhausted)) {
            return;
        } else if (isTlsFailure(cause)) {
            // Scanners, bots and clients that do not trust the certificate: routine on a public
            // listener, so a counter and a debug line, never an ERROR with a stack trace per attempt.
            context.metrics().tlsHandshakeFailures.increment();
            LOG.debug("TLS failure from {}: {}", ctx.channel().remoteAddress(), cause.getCause().toString());
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException
                || cause instanceof java.util.concurrent.RejectedExecutionException) { // the last: loops stopping
            LOG.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.error("unexpected error on {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** What the SslHandler in front of this handler reports when a handshake or record is bad. */
    private static boolean isTlsFailure(Throwable cause) {
        return cause instanceof DecoderException && cause.getCause() instanceof SSLException;
    }
}
