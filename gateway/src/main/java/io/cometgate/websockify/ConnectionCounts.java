package io.cometgate.websockify;

import io.cometgate.policy.Limits;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open raw connections, in all and per client address, held to the policy's session limits
 * ({@code max-sessions}, {@code max-sessions-per-ip}): on this endpoint one WebSocket is what a
 * session is elsewhere. Shared by every event loop, so lock-free; an address's entry goes
 * when its last connection does, which bounds the map by the open connections.
 */
final class ConnectionCounts {

    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** Counts one more connection from {@code client}; the refusal reason when over a limit (nothing counted), else null. */
    String tryAcquire(InetAddress client, Limits limits) {
        if (total.incrementAndGet() > limits.maxSessions()) {
            total.decrementAndGet();
            return "limit reached: " + limits.maxSessions() + " connections on this gateway";
        }
        AtomicInteger mine = perAddress.computeIfAbsent(client, c -> new AtomicInteger());
        if (mine.incrementAndGet() > limits.maxSessionsPerIp()) {
            release(client);
            return "limit reached: " + limits.maxSessionsPerIp() + " connections from this address";
        }
        return null;
    }

    void release(InetAddress client) {
        total.decrementAndGet();
        perAddress.computeIfPresent(client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    int fromAddress(InetAddress client) {
        AtomicInteger n = perAddress.get(client);
        return n == null ? 0 : n.get();
    }
}
