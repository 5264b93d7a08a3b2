package io.cometgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Last handler on the admin listener ({@code --admin-listen}): /metrics, /healthz and /readyz
 * for any Host header, because Prometheus and kubelets address a pod by IP. Nothing else is
 * served here, so this listener never exposes the protocol endpoints or the demo page.
 */
final class AdminRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);

    private final OpsEndpoints ops;
    private final LongAdder directMemoryExhausted;

    AdminRouter(OpsEndpoints ops, LongAdder directMemoryExhausted) {
        this.ops = ops;
        this.directMemoryExhausted = directMemoryExhausted;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.error(ctx.channel(), HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false, null);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            HttpResponses.error(ctx.channel(), HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET", keepAlive, null);
        } else if (OpsEndpoints.isHealth(path)) {
            ops.health(ctx.channel(), path, keepAlive);
        } else if (path.equals(OpsEndpoints.METRICS)) {
            ops.metrics(ctx.channel(), req, keepAlive);
        } else {
            HttpResponses.error(ctx.channel(), HttpResponseStatus.NOT_FOUND,
                    "the admin listener serves /metrics, /healthz and /readyz only", keepAlive, null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (DirectMemoryExhaustion.closeIfExhausted(ctx, cause, directMemoryExhausted)) {
            return;
        }
        if (cause instanceof IOException) {
            LOG.debug("admin connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.error("unexpected error on admin connection {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
