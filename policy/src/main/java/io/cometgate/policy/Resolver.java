package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.util.List;

/**
 * Asynchronous name resolution, behind an interface so tests answer without DNS. The engine
 * calls it exactly once per decision and connects only to what it returned.
 */
public interface Resolver extends AutoCloseable {

    /** All addresses for {@code host}; the future completes on {@code loop}. Never blocks. */
    Future<List<InetAddress>> resolve(String host, EventLoop loop);

    @Override
    default void close() {
    }

    /** Real, non-blocking DNS (Netty), each query bounded by {@code queryTimeout}. */
    static Resolver dns(java.time.Duration queryTimeout) {
        return new NettyResolver(queryTimeout);
    }
}
