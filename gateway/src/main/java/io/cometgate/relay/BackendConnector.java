package io.cometgate.relay;

import io.cometgate.policy.Decision;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Opens backend connections on the session's own event loop (so a channel's two sides share
 * one thread), to the exact address the policy checked. Reads are on demand only: the
 * relay asks for one read at a time, when the client has credit for it.
 */
public final class BackendConnector {

    /** One read never exceeds this, which bounds what a channel holds beyond its credit. */
    static final int MAX_READ_BYTES = 64 * 1024;

    private final Class<? extends SocketChannel> channelType;

    public BackendConnector(Class<? extends SocketChannel> channelType) {
        this.channelType = channelType;
    }

    ChannelFuture connect(EventLoop loop, Decision decision, ChannelHandler initializer) {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, decision.options().connectTimeout().toMillis());
        AdaptiveRecvByteBufAllocator reads = new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ_BYTES);
        reads.maxMessagesPerRead(1);
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .handler(initializer)
                .connect(decision.address());
    }

    /** Adds TLS toward the backend when the target asks for it (SNI and checks use the target name). */
    void addTls(SocketChannel channel, Decision decision) {
        if (decision.options().tls()) {
            throw new IllegalStateException("backend TLS is not wired yet");
        }
    }

    /** Completes when the backend is ready for data: connected, and TLS-handshaken if TLS is on. */
    Future<Channel> whenReady(ChannelFuture connect, Decision decision) {
        Promise<Channel> ready = connect.channel().eventLoop().newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                ready.trySuccess(connect.channel());
            } else {
                ready.tryFailure(f.cause());
            }
        });
        return ready;
    }
}
