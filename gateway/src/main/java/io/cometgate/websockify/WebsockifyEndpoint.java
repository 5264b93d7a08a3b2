package io.cometgate.websockify;

import io.cometgate.http.GatewayContext;
import io.cometgate.http.GatewayInitializer;
import io.cometgate.http.HttpResponses;
import io.cometgate.http.RequestInfo;
import io.cometgate.http.UpgradeRoute;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.session.ChannelOpener;
import io.cometgate.tokenfiles.TokenFiles;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * The websockify-compatible endpoint: a plain WebSocket that is one TCP connection to one
 * target, as websockify serves it (docs/WEBSOCKIFY.md). Checks what every cometgate endpoint
 * checks (the router did Host; here the Origin), picks the subprotocol, looks the target up,
 * completes the handshake and turns the pipeline into frame aggregator + {@link RawRelay},
 * which owns one relay channel from {@code opener}: the same open procedure and byte relay
 * as a protocol session's channel.
 * Refusals after a successful handshake are WebSocket close frames with a code and a reason,
 * which a client can read, rather than an HTTP status, which browsers hide.
 */
public final class WebsockifyEndpoint implements UpgradeRoute {

    private final GatewayContext context;
    private final Targets targets;
    private final String path;
    private final RawRelay.Shared shared;

    /**
     * @param path the one path served, or {@code null} for every WebSocket upgrade outside the
     *             protocol prefix (websockify answers on any path)
     */
    WebsockifyEndpoint(GatewayContext context, ChannelOpener opener, ChannelAudit audit, Targets targets, String path) {
        this.context = context;
        this.targets = targets;
        this.path = path;
        WebsockifyMetrics metrics = new WebsockifyMetrics();
        metrics.registerIn(context.metrics());
        // A message may take at most half the channel's credit window: RawRelay reads the next
        // one only while the other half is free, so the channel's credit is never overrun.
        int maxMessage = Math.min(context.config().maxMessageBytes(), context.config().channelWindow() / 2);
        this.shared = new RawRelay.Shared(opener, audit, context, metrics, new ConnectionCounts(), maxMessage);
    }

    /** One fixed target ({@code host:port}, or a policy alias), websockify's positional argument. */
    public static WebsockifyEndpoint fixed(GatewayContext context, ChannelOpener opener, ChannelAudit audit,
                                           String target, String path) {
        return new WebsockifyEndpoint(context, opener, audit, Targets.fixed(target), path);
    }

    /** Targets from websockify token files (one file or a directory), looked up by token. */
    public static WebsockifyEndpoint tokens(GatewayContext context, ChannelOpener opener, ChannelAudit audit,
                                            TokenFiles files, String path) {
        return new WebsockifyEndpoint(context, opener, audit, new TokenTargets(files::lookup), path);
    }

    @Override
    public boolean accepts(String requestPath, FullHttpRequest req) {
        return (path == null || path.equals(requestPath))
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, ""));
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, RequestInfo info) {
        if (!req.method().equals(HttpMethod.GET)) {
            fail(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "a WebSocket upgrade is a GET", info);
            return;
        }
        if (!context.decider().isOriginAllowed(info.origin())) {
            fail(ctx, HttpResponseStatus.FORBIDDEN, "Origin " + (info.origin() == null ? "(none)" : info.origin())
                    + " is not allowed by the policy", info);
            return;
        }
        Subprotocol subprotocol = Subprotocol.choose(
                Subprotocol.parse(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)));
        int maxMessage = shared.maxMessage();
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessage)
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // RawRelay closes with the status and an audit line
                .build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(webSocketUrl(req),
                subprotocol == null ? null : subprotocol.header(), decoder).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        Targets.Lookup lookup = subprotocol == null ? null : targets.lookup(query, req.headers());
        RawRelay relay = new RawRelay(shared, new RawRelay.Connection(info.clientAddress(), info.origin(),
                lookup, subprotocol == null ? Subprotocol.NONE : subprotocol));
        Channel channel = ctx.channel();
        channel.config().setAutoRead(false); // from now on the relay reads, when the channel has credit for it
        GatewayInitializer.switchToWebSocket(channel.pipeline(), maxMessage, relay);
        String offered = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        handshaker.handshake(channel, req).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
            } else if (subprotocol == null) {
                relay.refuse(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "no supported subprotocol: offered '"
                        + offered + "', this endpoint speaks binary, base64 or none", channel);
            } else {
                relay.start(channel);
            }
        });
    }

    private void fail(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, RequestInfo info) {
        context.metrics().httpErrors.increment();
        HttpResponses.error(ctx.channel(), status, reason, info.keepAlive(), null);
    }

    private static String webSocketUrl(FullHttpRequest req) {
        return "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
    }
}
