package io.cometgate.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.TimeUnit;

/** The bench's event loops: epoll where available (same as the gateway), so both sides pay alike. */
record Loops(EventLoopGroup group, Class<? extends SocketChannel> socket, Class<? extends ServerSocketChannel> server) {

    static Loops create(int threads) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new Loops(new MultiThreadIoEventLoopGroup(threads, factory),
                epoll ? EpollSocketChannel.class : NioSocketChannel.class,
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
    }

    void shutdown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
