package io.cometgate.relay;

import io.cometgate.session.ClusterLimits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The per-client-address open rate (fixed one-minute windows) and the per-target connection
 * cap, each followed by its cluster-wide count when there is one ({@code --redis}). Shared by
 * every event loop, so lock-free maps; stale rate windows are dropped as the map grows, which
 * keeps it bounded by the number of addresses active in the last minute.
 */
public final class OpenLimiter {

    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int PURGE_ABOVE = 10_000;

    private record Window(long minute, int count) { }

    private final Map<InetAddress, Window> rates = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicInteger> perTarget = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final ClusterLimits cluster;

    public OpenLimiter() {
        this(ClusterLimits.PER_NODE);
    }

    /** @param cluster the cluster-wide open rate, asked after this node's own ({@code --redis}) */
    public OpenLimiter(ClusterLimits cluster) {
        this(System::nanoTime, cluster);
    }

    OpenLimiter(LongSupplier nanoClock) {
        this(nanoClock, ClusterLimits.PER_NODE);
    }

    private OpenLimiter(LongSupplier nanoClock, ClusterLimits cluster) {
        this.nanoClock = nanoClock;
        this.cluster = cluster;
    }

    /** After {@link #tryOpen} allowed an open: {@code null}, or why the cluster-wide rate refuses it. */
    String clusterRefusal(InetAddress client, int perMinute) {
        return cluster.admitOpen(client, perMinute);
    }

    /** Counts one open from {@code client}; false when it is over {@code perMinute} this minute. */
    public boolean tryOpen(InetAddress client, int perMinute) {
        long minute = nanoClock.getAsLong() / MINUTE_NANOS;
        if (rates.size() > PURGE_ABOVE) {
            rates.values().removeIf(w -> w.minute() < minute);
        }
        Window window = rates.merge(client, new Window(minute, 1),
                (old, one) -> old.minute() == minute ? new Window(minute, old.count() + 1) : one);
        return window.count() <= perMinute;
    }

    /** Reserves a connection to {@code target}; false (nothing reserved) when it already has {@code max}. */
    public boolean tryConnect(InetSocketAddress target, int max) {
        AtomicInteger count = perTarget.computeIfAbsent(target, t -> new AtomicInteger());
        if (count.incrementAndGet() > max) {
            release(target);
            return false;
        }
        return true;
    }

    /**
     * After {@link #tryConnect} reserved a slot: {@code null} (counted across the cluster too;
     * release with {@link #releaseEverywhere}), or why the cluster-wide cap refuses it.
     */
    String clusterConnectRefusal(InetSocketAddress target, int max) {
        return cluster.admitConnection(target, max);
    }

    /** Releases a slot both {@link #tryConnect} and {@link #clusterConnectRefusal} granted. */
    void releaseEverywhere(InetSocketAddress target) {
        release(target);
        cluster.connectionEnded(target);
    }

    public void release(InetSocketAddress target) {
        perTarget.computeIfPresent(target, (t, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    int connectionsTo(InetSocketAddress target) {
        AtomicInteger count = perTarget.get(target);
        return count == null ? 0 : count.get();
    }
}
