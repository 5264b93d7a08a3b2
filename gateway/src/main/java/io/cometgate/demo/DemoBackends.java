package io.cometgate.demo;

import io.cometgate.http.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The two services the bundled demo policy allows: an echo server and a line-based chat,
 * on loopback ports the default policy names. They share the gateway's event loops.
 */
public final class DemoBackends implements AutoCloseable {

    public static final InetSocketAddress ECHO = new InetSocketAddress("127.0.0.1", 65101);
    public static final InetSocketAddress CHAT = new InetSocketAddress("127.0.0.1", 65102);

    private static final Logger LOG = LoggerFactory.getLogger(DemoBackends.class);

    private final List<Channel> listeners = new ArrayList<>();
    private final ChannelGroup chatMembers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    public void start(EventLoops loops) throws InterruptedException {
        listeners.add(server(loops, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new EchoHandler());
            }
        }).bind(ECHO).sync().channel());
        listeners.add(server(loops, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(4096, true, true), new ChatHandler(chatMembers));
            }
        }).bind(CHAT).sync().channel());
        LOG.info("demo backends: echo on {}, chat on {}", ECHO, CHAT);
    }

    private static ServerBootstrap server(EventLoops loops, ChannelInitializer<SocketChannel> init) {
        return new ServerBootstrap().group(loops.acceptor(), loops.workers())
                .channel(loops.serverChannel()).childHandler(init);
    }

    @Override
    public void close() {
        listeners.forEach(Channel::close);
        chatMembers.close();
    }
}
