package io.cometgate.http;

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

/** Native epoll where the platform has it (less heap per connection), NIO elsewhere. */
public record EventLoops(EventLoopGroup acceptor, EventLoopGroup workers,
                         Class<? extends ServerSocketChannel> serverChannel,
                         Class<? extends SocketChannel> socketChannel) {

    public static EventLoops create(int workerThreads) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new EventLoops(new MultiThreadIoEventLoopGroup(1, factory),
                new MultiThreadIoEventLoopGroup(workerThreads, factory),
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class,
                epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    }

    /**
     * Stops both groups and waits (bounded) until they have: the tasks already queued (the
     * SESSION_CLOSE frames of a drain, their audit lines) run before the process exits.
     */
    public void shutdown() {
        acceptor.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        acceptor.terminationFuture().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
