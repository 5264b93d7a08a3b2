package io.cometgate.testing.process;

import io.cometgate.testing.EchoBackend;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cluster the balancer ITs share: an echo backend, three gateway JVMs ({@link GatewayNodes})
 * and a real balancer in front of them, run with the shipped example config
 * ({@code examples/cluster/haproxy.cfg} or {@code nginx.conf}) with its ports rewritten to free
 * loopback ports; optionally a redis-server the nodes share ({@code --redis}, started first).
 * {@link #close} stops the balancer, the nodes, Redis and the backend, in that order.
 * A test class takes one for all its tests with
 * {@code @RegisterExtension static final BalancedCluster.PerClass cluster = BalancedCluster.perClass(...)}.
 */
public final class BalancedCluster implements AutoCloseable {

    /** The example configs name three nodes (127.0.0.1:8081 .. 8083). */
    public static final int NODES = 3;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Path EXAMPLES = Path.of("..", "examples", "cluster");

    /** The balancers with a shipped example config, and how each is started from it. */
    public enum Balancer {
        HAPROXY("haproxy.cfg") {
            @Override
            ExternalProcess start(Path dir, Path config, int port) throws IOException, InterruptedException {
                return HaproxyProcess.start(dir, config, port);
            }
        },
        NGINX("nginx.conf") {
            @Override
            String adapt(String config) {
                return config.replace("worker_processes auto;", "worker_processes 1;");
            }

            @Override
            ExternalProcess start(Path dir, Path config, int port) throws IOException, InterruptedException {
                Files.createDirectories(dir.resolve("tmp"));
                return ExternalProcess.start("nginx", List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c",
                        config.getFileName().toString(), "-g", "daemon off;"), dir, port, BOUND);
            }
        };

        private final String example;

        Balancer(String example) {
            this.example = example;
        }

        /** What a test run changes in the example beyond its ports. */
        String adapt(String config) {
            return config;
        }

        abstract ExternalProcess start(Path dir, Path config, int port) throws IOException, InterruptedException;
    }

    private final EchoBackend echo;
    private GatewayNodes nodes;
    private ExternalProcess balancer;
    private RedisServer redis;
    private URI gateway;

    private BalancedCluster() throws InterruptedException {
        echo = new EchoBackend();
    }

    /** Starts the backend, the nodes and {@code kind} in {@code dir}; stops what started if a step fails. */
    public static BalancedCluster start(Balancer kind, Path dir) throws IOException, InterruptedException {
        return start(kind, dir, false);
    }

    /** As {@link #start(Balancer, Path)}; with {@code withRedis}, the nodes share a fresh redis-server. */
    public static BalancedCluster start(Balancer kind, Path dir, boolean withRedis) throws IOException, InterruptedException {
        BalancedCluster cluster = new BalancedCluster();
        try {
            int port = ExternalProcess.freePort();
            List<String> nodeArgs = List.of();
            if (withRedis) {
                cluster.redis = RedisServer.start(dir);
                nodeArgs = List.of("--redis", cluster.redis.uri(), "--redis-failure", "closed");
            }
            cluster.nodes = new GatewayNodes(NODES, dir, port, cluster.echo.target(), nodeArgs);
            String config = kind.adapt(Files.readString(EXAMPLES.resolve(kind.example)))
                    .replace("127.0.0.1:8080", "127.0.0.1:" + port);
            for (int i = 0; i < NODES; i++) {
                config = config.replace("127.0.0.1:808" + (i + 1), "127.0.0.1:" + cluster.nodes.port(i));
            }
            Path written = Files.writeString(dir.resolve(kind.example), config);
            cluster.balancer = kind.start(dir, written, port);
            cluster.gateway = URI.create("http://127.0.0.1:" + port + "/cometgate");
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The protocol prefix on the balancer, as clients take it. */
    public URI gateway() {
        return gateway;
    }

    public GatewayNodes nodes() {
        return nodes;
    }

    public ExternalProcess balancer() {
        return balancer;
    }

    /** The nodes' Redis; {@code null} unless started with it. */
    public RedisServer redis() {
        return redis;
    }

    @Override
    public void close() throws InterruptedException {
        if (balancer != null) {
            balancer.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (redis != null) {
            redis.close();
        }
        echo.close();
    }

    /** One cluster for all tests of a class, in its own directory, started before {@code @BeforeAll} methods. */
    public static PerClass perClass(Balancer kind) {
        return new PerClass(kind, false);
    }

    /** As {@link #perClass(Balancer)}, the nodes sharing a redis-server ({@code --redis}). */
    public static PerClass perClassWithRedis(Balancer kind) {
        return new PerClass(kind, true);
    }

    /** The JUnit side of {@link #perClass}: starts the cluster before the class, stops it and removes its directory after. */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private final Balancer kind;
        private final boolean withRedis;
        private Path dir;
        private BalancedCluster cluster;

        private PerClass(Balancer kind, boolean withRedis) {
            this.kind = kind;
            this.withRedis = withRedis;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            dir = Files.createTempDirectory("cometgate-" + kind.name().toLowerCase() + "-cluster");
            cluster = start(kind, dir, withRedis);
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            if (cluster != null) {
                cluster.close();
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }

        public URI gateway() {
            return cluster.gateway();
        }

        public GatewayNodes nodes() {
            return cluster.nodes();
        }

        public ExternalProcess balancer() {
            return cluster.balancer();
        }

        public RedisServer redis() {
            return cluster.redis();
        }
    }
}
