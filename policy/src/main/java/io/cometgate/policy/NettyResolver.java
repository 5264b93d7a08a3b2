package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real DNS through Netty's non-blocking resolver: one resolver per event loop, created on
 * first use, so lookups run on the loop that asked and never block it.
 */
final class NettyResolver implements Resolver {

    private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
    private final long queryTimeoutMillis;

    NettyResolver(Duration queryTimeout) {
        this.queryTimeoutMillis = queryTimeout.toMillis();
    }

    @Override
    public Future<List<InetAddress>> resolve(String host, EventLoop loop) {
        return resolvers.computeIfAbsent(loop, this::create).resolveAll(host);
    }

    private DnsNameResolver create(EventLoop loop) {
        DnsNameResolverBuilder b = new DnsNameResolverBuilder(loop).queryTimeoutMillis(queryTimeoutMillis);
        boolean nio = !(loop instanceof IoEventLoop io) || io.isIoType(NioIoHandler.class);
        if (nio) {
            return b.datagramChannelType(NioDatagramChannel.class).socketChannelType(NioSocketChannel.class).build();
        }
        // The gateway runs epoll loops when available; the classes are looked up by name so
        // this file compiles and runs where the native transport is absent.
        return b.datagramChannelType(channelClass("io.netty.channel.epoll.EpollDatagramChannel", DatagramChannel.class))
                .socketChannelType(channelClass("io.netty.channel.epoll.EpollSocketChannel", SocketChannel.class))
                .build();
    }

    private static <T> Class<? extends T> channelClass(String name, Class<T> type) {
        try {
            return Class.forName(name).asSubclass(type);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("event loop is neither NIO nor epoll: " + name + " missing", e);
        }
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
        resolvers.clear();
    }
}
