package io.cometgate.cluster;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The session -> node directory in Redis: one key per live session,
 * {@code cometgate:session:HASH} = this node's id, expiring after the session timeout unless
 * rewritten. The event loops only add ids to bounded queues ({@link #registered},
 * {@link #unregistered}, {@link #lookup}); {@link #flush} writes them in batches on the
 * refresher thread, with a sweep that rewrites every live session's key once per third of
 * the timeout. A full queue drops the id: the sweep writes a dropped new session within a
 * third of the timeout, and a dropped removal expires by itself.
 *
 * <p>Keys carry a SHA-256 of the session id, not the id: a session id is a bearer credential,
 * and whoever reads Redis should not be able to take sessions over.
 */
final class SessionDirectory {

    static final String PREFIX = "cometgate:session:";
    static final int MAX_QUEUED = 100_000;
    static final int MAX_LOOKUPS_QUEUED = 16;
    /** Writes per refresh (every 250 ms): 8,000 a second per node, enough to sweep 80,000 sessions in 10 s. */
    static final int MAX_WRITES_PER_FLUSH = 2_000;
    static final int LOOKUPS_PER_FLUSH = 2;

    /** A session another node's id names, as the directory sees it. */
    record Lookup(String sessionId, String owner, boolean ownerAlive) { }

    private final String node;
    private final long ttlMillis;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    // Bounded: offer() never blocks and refuses when full (see the class comment for why that is safe).
    private final BlockingQueue<String> added = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final BlockingQueue<String> removed = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final BlockingQueue<String> lookups = new LinkedBlockingQueue<>(MAX_LOOKUPS_QUEUED);
    // The sweep: touched by the refresher thread only.
    private List<String> sweep = List.of();
    private int sweepAt;
    private long sweepStartedNanos = Long.MIN_VALUE / 2;

    SessionDirectory(String node, long ttlMillis) {
        this.node = node;
        this.ttlMillis = ttlMillis;
    }

    static String key(String sessionId) {
        return PREFIX + PolicyFingerprint.hash(sessionId.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    void registered(String sessionId) {
        live.add(sessionId);
        added.offer(sessionId);
    }

    void unregistered(String sessionId) {
        if (live.remove(sessionId)) {
            removed.offer(sessionId);
        }
    }

    void lookup(String sessionId) {
        lookups.offer(sessionId);
    }

    int liveCount() {
        return live.size();
    }

    /**
     * One batch, on the refresher thread: new sessions, ended ones, a slice of the sweep, and a
     * few lookups; waits for Redis until {@code deadlineNanos} at most.
     * @return what the lookups found (owner {@code null}: no entry, the session ended or expired)
     */
    List<Lookup> flush(RedisAsyncCommands<String, String> redis, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<RedisFuture<?>> writes = new ArrayList<>();
        SetArgs expiring = SetArgs.Builder.px(ttlMillis);
        int budget = MAX_WRITES_PER_FLUSH;
        for (String id; budget > 0 && (id = removed.poll()) != null; budget--) {
            writes.add(redis.del(key(id)));
        }
        for (String id; budget > 0 && (id = added.poll()) != null; budget--) {
            if (live.contains(id)) {
                writes.add(redis.set(key(id), node, expiring));
            }
        }
        long now = System.nanoTime();
        if (sweepAt >= sweep.size() && now - sweepStartedNanos >= TimeUnit.MILLISECONDS.toNanos(ttlMillis / 3)) {
            sweep = new ArrayList<>(live);
            sweepAt = 0;
            sweepStartedNanos = now;
        }
        // Spread the sweep over a third of the TTL: every key is rewritten well before it expires.
        long flushes = Math.max(1, ttlMillis / 3 / RedisClusterLimits.REFRESH.toMillis());
        int slice = (int) Math.min(budget, Math.max(1, (sweep.size() + flushes - 1) / flushes));
        for (int end = Math.min(sweep.size(), sweepAt + slice); sweepAt < end; sweepAt++) {
            String id = sweep.get(sweepAt);
            if (live.contains(id)) {
                writes.add(redis.set(key(id), node, expiring));
            }
        }
        List<String> asked = new ArrayList<>();
        List<RedisFuture<String>> owners = new ArrayList<>();
        for (String id; asked.size() < LOOKUPS_PER_FLUSH && (id = lookups.poll()) != null; ) {
            asked.add(id);
            owners.add(redis.get(key(id)));
        }
        for (RedisFuture<?> write : writes) {
            await(write, deadlineNanos);
        }
        List<Lookup> found = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            String owner = await(owners.get(i), deadlineNanos);
            boolean alive = owner != null && await(redis.exists(RedisSync.key(owner, "policy")), deadlineNanos) > 0;
            found.add(new Lookup(asked.get(i), owner, alive));
        }
        return found;
    }

    private static <T> T await(RedisFuture<T> future, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
