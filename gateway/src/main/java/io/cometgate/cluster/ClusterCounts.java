package io.cometgate.cluster;

import io.cometgate.policy.Limits;
import io.cometgate.session.ClusterLimits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The cluster-wide session caps, open rate and connections per target, answered at once from this node's own counts
 * plus the other nodes' counts as last read from Redis ({@link RedisClusterLimits} refreshes
 * them every 250 ms). Lock-free: asked from every event loop. When the store is unavailable,
 * {@link #failClosed} decides: refuse, or count this node only.
 */
final class ClusterCounts implements ClusterLimits {

    /** The other nodes' counts at one refresh; opens are for {@code minute} only. */
    record Peers(Map<String, Integer> sessionsPerIp, Map<String, Integer> sessionsPerOrigin, long minute,
                 Map<String, Integer> opensPerIp, Map<String, Integer> connectionsPerTarget) {
        static final Peers NONE = new Peers(Map.of(), Map.of(), -1, Map.of(), Map.of());
    }

    static final String UNAVAILABLE = "cluster-wide limits unavailable (Redis unreachable): new sessions and opens refused";

    private final Map<String, AtomicInteger> sessionsPerIp = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> sessionsPerOrigin = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> opensPerIp = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> connectionsPerTarget = new ConcurrentHashMap<>();
    private volatile long opensMinute;
    private volatile Peers peers = Peers.NONE;
    private volatile boolean available;
    private final boolean failClosed;
    private final LongSupplier wallMillis;
    private final SessionDirectory directory;

    ClusterCounts(boolean failClosed, LongSupplier wallMillis) {
        this(failClosed, wallMillis, null);
    }

    /** @param directory the session directory to feed, or {@code null} for none */
    ClusterCounts(boolean failClosed, LongSupplier wallMillis, SessionDirectory directory) {
        this.failClosed = failClosed;
        this.wallMillis = wallMillis;
        this.directory = directory;
    }

    @Override
    public void sessionRegistered(String sessionId) {
        if (directory != null) {
            directory.registered(sessionId);
        }
    }

    @Override
    public void sessionUnregistered(String sessionId) {
        if (directory != null) {
            directory.unregistered(sessionId);
        }
    }

    @Override
    public void unknownSession(String sessionId) {
        if (directory != null) {
            directory.lookup(sessionId);
        }
    }

    @Override
    public String admitSession(InetAddress client, String origin, Limits limits) {
        Peers seen = usablePeers();
        if (seen == null) {
            return UNAVAILABLE;
        }
        String ip = client.getHostAddress();
        AtomicInteger byIp = sessionsPerIp.computeIfAbsent(ip, k -> new AtomicInteger());
        if (byIp.incrementAndGet() + seen.sessionsPerIp().getOrDefault(ip, 0) > limits.maxSessionsPerIp()) {
            release(sessionsPerIp, ip);
            return "limit reached: " + limits.maxSessionsPerIp() + " sessions per client address across the cluster";
        }
        AtomicInteger byOrigin = sessionsPerOrigin.computeIfAbsent(origin, k -> new AtomicInteger());
        if (byOrigin.incrementAndGet() + seen.sessionsPerOrigin().getOrDefault(origin, 0) > limits.maxSessionsPerOrigin()) {
            release(sessionsPerIp, ip);
            release(sessionsPerOrigin, origin);
            return "limit reached: " + limits.maxSessionsPerOrigin() + " sessions per Origin across the cluster";
        }
        return null;
    }

    @Override
    public void sessionEnded(InetAddress client, String origin) {
        release(sessionsPerIp, client.getHostAddress());
        release(sessionsPerOrigin, origin);
    }

    @Override
    public String admitOpen(InetAddress client, int perMinute) {
        Peers seen = usablePeers();
        if (seen == null) {
            return UNAVAILABLE;
        }
        long minute = currentMinute();
        String ip = client.getHostAddress();
        int mine = opensPerIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
        int theirs = seen.minute() == minute ? seen.opensPerIp().getOrDefault(ip, 0) : 0;
        return mine + theirs > perMinute
                ? "limit reached: " + perMinute + " channel opens per minute from this address across the cluster"
                : null;
    }

    @Override
    public String admitConnection(InetSocketAddress target, int max) {
        Peers seen = usablePeers();
        if (seen == null) {
            return UNAVAILABLE;
        }
        String key = targetKey(target);
        AtomicInteger mine = connectionsPerTarget.computeIfAbsent(key, k -> new AtomicInteger());
        if (mine.incrementAndGet() + seen.connectionsPerTarget().getOrDefault(key, 0) > max) {
            release(connectionsPerTarget, key);
            return "limit reached: " + max + " connections to " + key + " across the cluster";
        }
        return null;
    }

    @Override
    public void connectionEnded(InetSocketAddress target) {
        release(connectionsPerTarget, targetKey(target));
    }

    /** {@code 192.0.2.7:6667} or {@code [2001:db8::7]:6667}: the resolved address every node connects to. */
    static String targetKey(InetSocketAddress target) {
        InetAddress address = target.getAddress();
        String host = address == null ? target.getHostString() : address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + target.getPort();
    }

    /** The wall-clock minute (shared by every node, unlike System.nanoTime), starting a new count when it turns. */
    long currentMinute() {
        long minute = wallMillis.getAsLong() / 60_000;
        if (minute != opensMinute) {
            synchronized (opensPerIp) {
                if (minute != opensMinute) {
                    opensPerIp.clear();
                    opensMinute = minute;
                }
            }
        }
        return minute;
    }

    private Peers usablePeers() {
        if (available) {
            return peers;
        }
        return failClosed ? null : Peers.NONE;
    }

    private static void release(Map<String, AtomicInteger> map, String key) {
        map.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** This node's counts to publish (non-zero entries only). */
    static Map<String, String> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, String> out = new HashMap<>();
        counts.forEach((key, count) -> {
            int n = count.get();
            if (n > 0) {
                out.put(key, Integer.toString(n));
            }
        });
        return out;
    }

    Map<String, String> mySessionsPerIp() {
        return snapshot(sessionsPerIp);
    }

    Map<String, String> mySessionsPerOrigin() {
        return snapshot(sessionsPerOrigin);
    }

    Map<String, String> myOpensPerIp() {
        return snapshot(opensPerIp);
    }

    Map<String, String> myConnectionsPerTarget() {
        return snapshot(connectionsPerTarget);
    }

    void refreshed(Peers latest) {
        peers = latest;
        available = true;
    }

    void unavailable() {
        available = false;
        peers = Peers.NONE;
    }

    boolean failClosedMode() {
        return failClosed;
    }

    boolean available() {
        return available;
    }
}
