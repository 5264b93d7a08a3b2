package io.cometgate.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Netty echo server on 127.0.0.1, optionally behind TLS: the stand-in for a real backend.
 * With TLS it also remembers the SNI name each client asked for.
 */
public final class EchoBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final LinkedBlockingQueue<String> sniNames = new LinkedBlockingQueue<>();

    /** @param tls the server context, or {@code null} for plain TCP */
    public EchoBackend(SslContext tls) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc());
                            handler.handshakeFuture().addListener(f -> {
                                if (f.isSuccess() && handler.engine().getSession()
                                        instanceof javax.net.ssl.ExtendedSSLSession ext) {
                                    ext.getRequestedServerNames().forEach(n -> sniNames.add(
                                            ((javax.net.ssl.SNIHostName) n).getAsciiName()));
                                }
                            });
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg); // the write releases msg
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a refused handshake is what some tests want
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public String hostPort() {
        return "127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort();
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
