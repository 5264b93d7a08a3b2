package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Plain TCP to the backend or the bare relay: the baselines. */
final class TcpConn extends ChannelInboundHandlerAdapter implements Conn {

    private final Listener listener;
    private final EventLoop loop;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private Channel channel;

    TcpConn(ClientContext context, InetSocketAddress target, Listener listener) {
        this.listener = listener;
        this.loop = context.nextLoop();
        context.bootstrap(loop, context.nextSource(), this).connect(target).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                channel = f.channel();
                opened.complete(null);
            } else {
                opened.completeExceptionally(f.cause());
            }
        });
    }

    @Override
    public CompletableFuture<Void> opened() {
        return opened;
    }

    @Override
    public void send(ByteBuf data) {
        channel.writeAndFlush(data, channel.voidPromise());
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (channel != null) {
                channel.close();
            }
        });
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            listener.onData(this, data);
        } finally {
            data.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        opened.completeExceptionally(new IllegalStateException("connection closed"));
        listener.onClosed(this, "connection closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
