package io.cometgate.cluster;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One refresh against Redis: publish this node's counts and policy hash, read every peer's.
 *
 * <p>Keys (docs/SCALING.md): {@code cometgate:nodes} (a set of node ids), and per node
 * {@code cometgate:node:ID:sessions-per-ip}, {@code ...:sessions-per-origin} (hashes: key ->
 * count), {@code ...:connections-per-target} (hash: resolved target address -> count),
 * {@code ...:opens-per-ip:MINUTE} (hash, for one wall-clock minute) and
 * {@code ...:policy} (the policy file's SHA-256). Each node's keys are rewritten whole in one
 * MULTI/EXEC (readers never see a half-written hash) and expire after the lease unless the node
 * refreshes them: a crashed node's counts vanish by themselves.
 */
final class RedisSync {

    static final String NODES = "cometgate:nodes";

    record Seen(ClusterCounts.Peers peers, Map<String, String> peerPolicies) { }

    private final RedisAsyncCommands<String, String> redis;
    private final String node;
    private final long leaseMillis;

    RedisSync(RedisAsyncCommands<String, String> redis, String node, Duration lease) {
        this.redis = redis;
        this.node = node;
        this.leaseMillis = lease.toMillis();
    }

    static String key(String node, String what) {
        return "cometgate:node:" + node + ":" + what;
    }

    static String opensKey(String node, long minute) {
        return key(node, "opens-per-ip:" + minute);
    }

    /** Runs on the refresher thread (never an event loop), waiting at most {@code timeout} in all. */
    Seen exchange(ClusterCounts counts, String policyHash, long minute, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        redis.multi();
        replace(key(node, "sessions-per-ip"), counts.mySessionsPerIp());
        replace(key(node, "sessions-per-origin"), counts.mySessionsPerOrigin());
        replace(opensKey(node, minute), counts.myOpensPerIp());
        replace(key(node, "connections-per-target"), counts.myConnectionsPerTarget());
        redis.psetex(key(node, "policy"), leaseMillis, policyHash);
        redis.sadd(NODES, node);
        RedisFuture<TransactionResult> published = redis.exec();
        RedisFuture<Set<String>> members = redis.smembers(NODES);
        TransactionResult result = await(published, deadline);
        if (result.wasDiscarded()) {
            throw new ExecutionException("Redis discarded the MULTI", null);
        }
        List<String> peers = new ArrayList<>(await(members, deadline));
        peers.remove(node);
        List<RedisFuture<Map<String, String>>> perIp = new ArrayList<>();
        List<RedisFuture<Map<String, String>>> perOrigin = new ArrayList<>();
        List<RedisFuture<Map<String, String>>> opens = new ArrayList<>();
        List<RedisFuture<Map<String, String>>> perTarget = new ArrayList<>();
        List<RedisFuture<String>> policies = new ArrayList<>();
        for (String peer : peers) {
            perIp.add(redis.hgetall(key(peer, "sessions-per-ip")));
            perOrigin.add(redis.hgetall(key(peer, "sessions-per-origin")));
            opens.add(redis.hgetall(opensKey(peer, minute)));
            perTarget.add(redis.hgetall(key(peer, "connections-per-target")));
            policies.add(redis.get(key(peer, "policy")));
        }
        Map<String, String> peerPolicies = new HashMap<>();
        for (int i = 0; i < peers.size(); i++) {
            String hash = await(policies.get(i), deadline);
            if (hash != null) {
                peerPolicies.put(peers.get(i), hash);
            }
        }
        return new Seen(new ClusterCounts.Peers(sum(perIp, deadline), sum(perOrigin, deadline), minute,
                sum(opens, deadline), sum(perTarget, deadline)), peerPolicies);
    }

    private void replace(String key, Map<String, String> values) {
        redis.del(key);
        if (!values.isEmpty()) {
            redis.hset(key, values);
            redis.pexpire(key, leaseMillis);
        }
    }

    private static Map<String, Integer> sum(List<RedisFuture<Map<String, String>>> hashes, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Integer> total = new HashMap<>();
        for (RedisFuture<Map<String, String>> hash : hashes) {
            await(hash, deadline).forEach((field, count) -> total.merge(field, parse(count), Integer::sum));
        }
        return total;
    }

    private static int parse(String count) {
        try {
            return Math.max(0, Integer.parseInt(count));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static <T> T await(RedisFuture<T> future, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
