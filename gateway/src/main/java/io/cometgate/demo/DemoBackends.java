package io.cometgate.demo;

import io.cometgate.http.EventLoops;
import io.cometgate.http.ListenFailure;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 * The two services the demo page talks to: an echo server and a line-based chat, on loopback.
 * Without {@code --policy} they take free ports and the built-in demo policy names them; with a
 * policy of the operator's they take the fixed {@link #FIXED_ECHO} and {@link #FIXED_CHAT}, which
 * that policy can name. They share the gateway's event loops.
 */
public final class DemoBackends implements AutoCloseable {

    public static final InetSocketAddress FIXED_ECHO = new InetSocketAddress("127.0.0.1", 65101);
    public static final InetSocketAddress FIXED_CHAT = new InetSocketAddress("127.0.0.1", 65102);
    public static final InetSocketAddress FREE_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static final Logger LOG = LoggerFactory.getLogger(DemoBackends.class);

    private final List<Channel> listeners = new ArrayList<>();
    private final ChannelGroup chatMembers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private InetSocketAddress echo;
    private InetSocketAddress chat;

    /** Binds both; throws {@link ListenFailure} naming the address that could not be bound. */
    public void start(EventLoops loops, InetSocketAddress echoAddress, InetSocketAddress chatAddress)
            throws InterruptedException {
        echo = bind(server(loops, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new EchoHandler());
            }
        }), echoAddress);
        chat = bind(server(loops, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(4096, true, true), new ChatHandler(chatMembers));
            }
        }), chatAddress);
        LOG.info("demo backends: echo on {}, chat on {}", ListenFailure.hostPort(echo), ListenFailure.hostPort(chat));
    }

    /** Where the echo backend listens (after {@link #start}). */
    public InetSocketAddress echo() {
        return echo;
    }

    /** Where the chat backend listens (after {@link #start}). */
    public InetSocketAddress chat() {
        return chat;
    }

    private InetSocketAddress bind(ServerBootstrap bootstrap, InetSocketAddress address) throws InterruptedException {
        ChannelFuture bind = bootstrap.bind(address).await();
        if (!bind.isSuccess()) {
            throw new ListenFailure(address, bind.cause());
        }
        listeners.add(bind.channel());
        return (InetSocketAddress) bind.channel().localAddress();
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
