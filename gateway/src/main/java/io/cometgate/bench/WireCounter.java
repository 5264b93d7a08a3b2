package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes crossing the client's sockets (first in every client pipeline, so HTTP
 * headers, WebSocket framing and base64 all count): S7's bytes on the wire.
 */
@ChannelHandler.Sharable
final class WireCounter extends ChannelDuplexHandler {

    final LongAdder read = new LongAdder();
    final LongAdder written = new LongAdder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        read.add(size(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        written.add(size(msg));
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        return msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    }
}
