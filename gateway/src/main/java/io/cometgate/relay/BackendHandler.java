package io.cometgate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Last handler of a backend connection's pipeline: hands what the backend sends, its EOF
 * and its errors to the {@link VirtualChannel} it belongs to. (Idleness is not a handler's job:
 * the session's tick asks the channel, see {@link VirtualChannel#checkIdle}.)
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final VirtualChannel channel;

    BackendHandler(VirtualChannel channel) {
        this.channel = channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        channel.fromBackend((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        channel.resumeReading();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        channel.backendClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        channel.backendFailed(cause);
    }
}
