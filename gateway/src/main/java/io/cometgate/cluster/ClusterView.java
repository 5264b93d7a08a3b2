package io.cometgate.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the nodes sharing one Redis publish, read from outside any gateway
 * ({@code cometgate sessions}): each node's lease, session and connection counts and policy
 * hash, and where a given session lives according to the session directory. Blocking reads:
 * for a command line, never for a gateway.
 */
public final class ClusterView implements AutoCloseable {

    /** One node as Redis sees it; {@code alive} while its lease (refreshed every 250 ms) holds. */
    public record Node(String id, boolean alive, long sessions, long connections, String policySha256) { }

    /** A session's directory entry: {@code owner} {@code null} when there is none. */
    public record Entry(String sessionId, String owner, boolean ownerAlive, long ttlMillis) { }

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    private ClusterView(RedisClient client) {
        this.client = client;
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    /** @throws io.lettuce.core.RedisException when Redis cannot be reached */
    public static ClusterView connect(String uri) {
        RedisURI parsed = RedisURI.create(uri);
        parsed.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(parsed);
        try {
            return new ClusterView(client);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Every node that ever joined, sorted by id; gone ones stay listed (not alive) until Redis restarts. */
    public List<Node> nodes() {
        List<Node> nodes = new ArrayList<>();
        for (String id : new TreeSet<>(redis.smembers(RedisSync.NODES))) {
            String policy = redis.get(RedisSync.key(id, "policy"));
            nodes.add(new Node(id, policy != null, total(redis.hgetall(RedisSync.key(id, "sessions-per-ip"))),
                    total(redis.hgetall(RedisSync.key(id, "connections-per-target"))), policy == null ? "" : policy));
        }
        return nodes;
    }

    public Entry session(String sessionId) {
        String key = SessionDirectory.key(sessionId);
        String owner = redis.get(key);
        if (owner == null) {
            return new Entry(sessionId, null, false, 0);
        }
        boolean alive = redis.exists(RedisSync.key(owner, "policy")) > 0;
        return new Entry(sessionId, owner, alive, Math.max(0, redis.pttl(key)));
    }

    private static long total(Map<String, String> counts) {
        long sum = 0;
        for (String count : counts.values()) {
            try {
                sum += Long.parseLong(count);
            } catch (NumberFormatException e) {
                // not written by a gateway: ignore
            }
        }
        return sum;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
