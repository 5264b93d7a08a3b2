package io.cometgate.relay;

import io.cometgate.policy.Decision;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Opens backend connections on the session's own event loop (so a channel's two sides share
 * one thread), to the exact address the policy checked. Reads are on demand only: the
 * relay asks for a read when the client has credit for it, and a request reads on only while
 * that credit lasts ({@link CreditBoundReads}).
 */
public final class BackendConnector {

    /**
     * The most one read brings. 256 KiB rather than 64 KiB: a quarter of the receive calls per MB
     * took 9-19% off the gateway's CPU per MB in S2 (docs/BENCHMARKS.md, "Issue 13, session
     * 12"). It costs no memory a client did not ask for: a read is never larger than the
     * channel's credit, nor goes more than 64 KiB past its session's retransmit bound
     * ({@link CreditBoundReads}).
     */
    static final int MAX_READ_BYTES = 256 * 1024;

    /** Shared: the allocator only sizes reads; each channel gets its own handle from it ({@link CreditBoundReads}). */
    static final AdaptiveRecvByteBufAllocator READ_SIZES = new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ_BYTES);

    private final Class<? extends SocketChannel> channelType;
    private final BackendExtras extras = new BackendExtras();

    public BackendConnector(Class<? extends SocketChannel> channelType) {
        this.channelType = channelType;
    }

    ChannelFuture connect(EventLoop loop, Decision decision, ChannelHandler initializer) {
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // ours, below
                .option(ChannelOption.RCVBUF_ALLOCATOR, READ_SIZES) // BackendInitializer bounds reads by the channel's credit
                .handler(initializer)
                .connect(decision.address());
        long timeoutMillis = decision.options().connectTimeout().toMillis();
        if (timeoutMillis > 0 && !connect.isDone()) {
            ScheduledFuture<?> timer = loop.schedule(() -> timedOut(connect, timeoutMillis, decision.address()),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            connect.addListener(f -> timer.cancel(false));
        }
        return connect;
    }

    /**
     * The connect timeout, as Netty's own would fail it. Netty's timer stays referenced by the
     * connected channel for its whole life (a cancelled task and its closure, ~90 B per idle
     * channel); this one is garbage once the connect completes.
     */
    private static void timedOut(ChannelFuture connect, long millis, InetSocketAddress address) {
        ConnectTimeoutException cause = new ConnectTimeoutException("connection timed out after " + millis + " ms: " + address);
        if (connect instanceof ChannelPromise promise) {
            promise.tryFailure(cause);
        }
        connect.channel().close();
    }

    /** Loads what the target needs from files (TLS trust, WEBIRC password), off the event loop. */
    Future<BackendExtras.Loaded> extras(Decision decision, EventLoop loop) {
        return extras.load(decision.options(), loop);
    }

    /** Completes when the backend is ready for data: connected, and TLS-handshaken if TLS is on. */
    Future<Channel> whenReady(ChannelFuture connect) {
        Promise<Channel> ready = connect.channel().eventLoop().newPromise();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                ready.trySuccess(connect.channel());
            } else {
                tls.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        ready.trySuccess(connect.channel());
                    } else {
                        ready.tryFailure(h.cause());
                    }
                });
            }
        });
        return ready;
    }
}
