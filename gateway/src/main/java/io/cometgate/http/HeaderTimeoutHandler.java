package io.cometgate.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Slowloris defence: a request (headers and body) must arrive within the request timeout
 * of the connection opening, and the next one within the keep-alive timeout of the last
 * response. While a request is being answered (a held poll, a stream) nothing is armed.
 */
final class HeaderTimeoutHandler extends ChannelDuplexHandler {

    private final long requestTimeoutMillis;
    private final long keepAliveTimeoutMillis;
    private ScheduledFuture<?> timer;

    HeaderTimeoutHandler(long requestTimeoutMillis, long keepAliveTimeoutMillis) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.keepAliveTimeoutMillis = keepAliveTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, requestTimeoutMillis);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            // The response is complete: the client now has the keep-alive timeout to send the next request.
            arm(ctx, keepAliveTimeoutMillis);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx, long millis) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
