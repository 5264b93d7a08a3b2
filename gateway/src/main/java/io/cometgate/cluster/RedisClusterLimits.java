package io.cometgate.cluster;

import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.session.ClusterLimits;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code serve --redis URI}: the session caps, open rate and connections per target counted
 * across every node through Redis, and the session directory ({@link SessionDirectory}). Every {@link #REFRESH} this node publishes its own counts (a lease: keys that expire
 * after {@link #LEASE} unless refreshed, so a crashed node's counts go away by themselves) and
 * reads its peers' ({@link RedisSync}); the event loops only read the cached result
 * ({@link ClusterCounts}), so none ever waits for Redis. The refresh runs on its own thread
 * with Lettuce's asynchronous API and waits there at most {@link #TIMEOUT}; a failed or slow
 * refresh marks Redis down (logged once, {@code cometgate_redis_up 0}) until one succeeds.
 */
public final class RedisClusterLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterLimits.class);
    static final Duration REFRESH = Duration.ofMillis(250);
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final Duration LEASE = Duration.ofSeconds(3);

    /** What new sessions and opens get while Redis is unreachable or slow. */
    public enum Failure { CLOSED, LOCAL }

    private final String node;
    private final RedisURI uri;
    /** Created on the refresher thread: Lettuce's start-up (class loading, its own threads) never delays serve's. */
    private volatile RedisClient client;
    private final ClusterCounts counts;
    private final ScheduledExecutorService refresher;
    private final PolicyDrift drift;
    private final SessionDirectory directory;
    private final MisroutedSessions misrouted;
    private final Supplier<String> policyHash;
    private StatefulRedisConnection<String, String> connection;
    private RedisSync sync;
    private volatile boolean up;
    private boolean everChecked;

    private RedisClusterLimits(String node, RedisURI uri, Failure failure, Duration sessionTimeout,
                               Supplier<String> policyHash) {
        this.node = node;
        this.policyHash = policyHash;
        this.directory = new SessionDirectory(node, sessionTimeout.toMillis());
        this.misrouted = new MisroutedSessions(node);
        this.counts = new ClusterCounts(failure == Failure.CLOSED, System::currentTimeMillis, directory);
        this.drift = new PolicyDrift(node);
        uri.setTimeout(TIMEOUT);
        this.uri = uri;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cometgate-redis");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts refreshing at once (the first refresh decides whether Redis is up).
     * @param uri            e.g. {@code redis://127.0.0.1:6379/0}
     * @param sessionTimeout the TTL of the session directory's entries ({@code --session-timeout})
     * @param policyHash     this node's policy SHA-256 ({@code ""} for none), published for drift checks
     */
    public static RedisClusterLimits start(String node, String uri, Failure failure, Duration sessionTimeout,
                                           Supplier<String> policyHash) {
        RedisClusterLimits limits = new RedisClusterLimits(node, RedisURI.create(uri), failure, sessionTimeout, policyHash);
        limits.refresher.scheduleWithFixedDelay(limits::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return limits;
    }

    /** Throws {@link IllegalArgumentException} naming the problem if {@code uri} is no Redis URI. */
    public static void checkUri(String uri) {
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--redis: not a Redis URI (redis://HOST:PORT[/DB]): " + uri, e);
        }
    }

    /** The seam the session registry and the open limiter ask. */
    public ClusterLimits limits() {
        return counts;
    }

    private void refresh() {
        try {
            if (client == null) {
                client = newClient(uri);
            }
            if (connection == null) {
                connection = client.connect();
                sync = new RedisSync(connection.async(), node, LEASE);
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            RedisSync.Seen seen = sync.exchange(counts, policyHash.get(), counts.currentMinute(), TIMEOUT);
            counts.refreshed(seen.peers());
            drift.check(policyHash.get(), seen.peerPolicies());
            // After the counts: a large directory batch never delays the limits' refresh.
            for (SessionDirectory.Lookup lookup : directory.flush(connection.async(), deadline + TIMEOUT.toNanos())) {
                misrouted.report(lookup, System.nanoTime());
            }
            changed(true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: not a Redis failure worth a log line
        } catch (Exception e) {
            counts.unavailable();
            changed(false, e);
        } catch (Error e) {
            counts.unavailable(); // an Error ends the scheduled refresh: say so rather than stop silently
            LOG.error("node {}: the Redis refresh stopped; cluster-wide limits stay unavailable", node, e);
            throw e;
        }
    }

    private static RedisClient newClient(RedisURI uri) {
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        return client;
    }

    private void changed(boolean nowUp, Exception cause) {
        if (everChecked && nowUp == up) {
            return;
        }
        everChecked = true;
        up = nowUp;
        if (nowUp) {
            LOG.info("node {}: Redis is up: session caps and open rates are counted across the cluster", node);
        } else {
            LOG.warn("node {}: Redis is unreachable or slow ({}): {}", node, cause,
                    counts.failClosedMode() ? "refusing new sessions and opens until it is back"
                            : "falling back to per-node limits until it is back");
        }
    }

    long misroutedCount() {
        return misrouted.misrouted();
    }

    boolean isUp() {
        return up;
    }

    /** Adds {@code cometgate_redis_up} (1 up, 0 unreachable or slow) to the gateway's registry. */
    public void registerIn(GatewayMetrics metrics) {
        GaugeWithCallback.builder().name("cometgate_redis_up")
                .help("1 while the last refresh of the cluster-wide counts in Redis succeeded, 0 while Redis is "
                        + "unreachable or slow (--redis-failure applies).")
                .callback(cb -> cb.call(up ? 1 : 0))
                .register(metrics.registry());
        CounterWithCallback.builder().name("cometgate_misrouted_sessions_total")
                .help("Requests answered 4015 here for a session the directory in Redis says another live node holds: "
                        + "the balancer routes that node's sessions wrongly.")
                .callback(cb -> cb.call(misrouted.misrouted()))
                .register(metrics.registry());
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
