package io.cometgate.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Real TLS handshakes over 127.0.0.1 between a Netty server and a Netty client, each with the handler
 * under test. The waits below are upper bounds against a hang, not timing assertions.
 */
final class Loopback implements AutoCloseable {

    private static final long BOUND_SECONDS = 20;

    /** The outcome as both sides saw it. */
    record Result(Throwable clientFailure, Throwable serverFailure, X509Certificate serverCertificate,
                  String protocol, String cipherSuite, String requestedServerName) {
        boolean succeeded() {
            return clientFailure == null && serverFailure == null;
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    Result handshake(Function<ByteBufAllocator, SslHandler> server,
                     BiFunction<ByteBufAllocator, InetSocketAddress, SslHandler> client) throws Exception {
        CompletableFuture<SslHandler> serverHandler = new CompletableFuture<>();
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler h = server.apply(ch.alloc());
                        ch.pipeline().addLast(h);
                        serverHandler.complete(h);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        Channel clientChannel = null;
        try {
            CompletableFuture<SslHandler> clientHandler = new CompletableFuture<>();
            clientChannel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler h = client.apply(ch.alloc(), address);
                            ch.pipeline().addLast(h);
                            clientHandler.complete(h);
                        }
                    })
                    .connect(address).sync().channel();
            SslHandler c = clientHandler.get(BOUND_SECONDS, TimeUnit.SECONDS);
            Future<Channel> clientDone = c.handshakeFuture();
            if (!clientDone.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("client handshake did not finish");
            }
            SslHandler s = serverHandler.get(BOUND_SECONDS, TimeUnit.SECONDS);
            if (!clientDone.isSuccess()) {
                clientChannel.close().sync(); // lets a server still waiting for the client see the end
            }
            Future<Channel> serverDone = s.handshakeFuture();
            if (!serverDone.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("server handshake did not finish");
            }
            X509Certificate cert = null;
            String protocol = null;
            String suite = null;
            String sni = null;
            if (clientDone.isSuccess()) {
                SSLSession session = c.engine().getSession();
                cert = (X509Certificate) session.getPeerCertificates()[0];
                protocol = session.getProtocol();
                suite = session.getCipherSuite();
            }
            if (serverDone.isSuccess() && s.engine().getSession() instanceof ExtendedSSLSession ext) {
                for (SNIServerName name : ext.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        sni = host.getAsciiName();
                    }
                }
            }
            return new Result(clientDone.cause(), serverDone.cause(), cert, protocol, suite, sni);
        } finally {
            if (clientChannel != null) {
                clientChannel.close().sync();
            }
            listener.close().sync();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
