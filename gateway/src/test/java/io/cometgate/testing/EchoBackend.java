package io.cometgate.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one echo server of the tests: a real TCP server on 127.0.0.1 port 0, the stand-in for a
 * backend. {@code new EchoBackend()} echoes everything; the {@link Builder} adds TLS (and
 * remembers the SNI name each client asked for), a small send buffer (backpressure tests), or
 * closing after some bytes (a backend that ends the conversation). It echoes only as fast as
 * the peer reads: it stops reading while its own writes wait, so {@link #written} stops too.
 */
public final class EchoBackend implements AutoCloseable {

    /** How long a closing connection drains what the peer still sends before it is closed. */
    private static final long DRAIN_SECONDS = 5;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final AtomicLong written = new AtomicLong();
    private final LinkedBlockingQueue<String> sniNames = new LinkedBlockingQueue<>();

    /** Echoes everything, plain TCP. */
    public EchoBackend() throws InterruptedException {
        this(new Builder());
    }

    private EchoBackend(Builder options) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 32 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (options.tls != null) {
                            ch.pipeline().addLast(sniRecordingTls(options.tls, ch));
                        }
                        ch.pipeline().addLast(new Echo(options.closeAfter));
                    }
                });
        if (options.sendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, options.sendBuffer);
        }
        listener = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The behaviours some tests need; each is off unless set. */
    public static final class Builder {
        private SslContext tls;
        private long closeAfter = Long.MAX_VALUE;
        private int sendBuffer;

        private Builder() {
        }

        /** TLS with this server context; the SNI names clients ask for are kept for {@link #nextSniName}. */
        public Builder tls(SslContext context) {
            this.tls = context;
            return this;
        }

        /** Each connection ends (FIN, then drain) after echoing this many bytes. */
        public Builder closeAfter(long bytes) {
            this.closeAfter = bytes;
            return this;
        }

        /** SO_SNDBUF of each connection, so a backpressure test fills it quickly. */
        public Builder sendBuffer(int bytes) {
            this.sendBuffer = bytes;
            return this;
        }

        public EchoBackend start() throws InterruptedException {
            return new EchoBackend(this);
        }
    }

    private SslHandler sniRecordingTls(SslContext tls, SocketChannel ch) {
        SslHandler handler = tls.newHandler(ch.alloc());
        handler.handshakeFuture().addListener(f -> {
            if (f.isSuccess() && handler.engine().getSession() instanceof ExtendedSSLSession ext) {
                ext.getRequestedServerNames().forEach(n -> sniNames.add(((SNIHostName) n).getAsciiName()));
            }
        });
        return handler;
    }

    /** One connection: echo up to {@code closeAfter} bytes, reading only while writes keep up. */
    private final class Echo extends ChannelInboundHandlerAdapter {
        private final long closeAfter;
        private long echoed;

        Echo(long closeAfter) {
            this.closeAfter = closeAfter;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            int take = (int) Math.min(in.readableBytes(), closeAfter - echoed);
            if (take <= 0) {
                in.release(); // draining after our FIN: discard
                return;
            }
            ByteBuf out = in.readRetainedSlice(take);
            in.release();
            echoed += take;
            ctx.writeAndFlush(out).addListener(f -> {
                if (f.isSuccess()) {
                    written.addAndGet(take);
                }
            });
            if (echoed >= closeAfter) {
                finish(ctx);
            } else if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false); // the peer does not read: neither do we
            }
        }

        /**
         * A graceful close: FIN first, then drain what the peer still sends. Closing with unread
         * input would send an RST, and an RST makes the kernel discard data the gateway has not
         * read yet, which no relay could deliver.
         */
        private void finish(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((SocketChannel) ctx.channel()).shutdownOutput());
            ctx.channel().config().setAutoRead(true);
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                // The peer is done: send what is still queued, then close, as a blocking echo would.
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset, or a refused TLS handshake (what some tests want)
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** {@code 127.0.0.1:port}, as a policy or an OPEN names it. */
    public String target() {
        return "127.0.0.1:" + port();
    }

    /** Bytes echoed so far, over all connections (written to the socket). */
    public long written() {
        return written.get();
    }

    /** The SNI name of the next successful TLS handshake, or {@code null} if none came within 5 s. */
    public String nextSniName() throws InterruptedException {
        return sniNames.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return; // closed already (a test may close it early to end its channels)
        }
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
