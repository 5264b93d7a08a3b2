package io.cometgate.cluster;

import io.cometgate.cli.GatewayAssembly;
import io.cometgate.client.ClientChannel;
import io.cometgate.client.ClientSession;
import io.cometgate.client.CometClient;
import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.http.ClientAddressResolver;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.RecordingAudit;
import io.cometgate.testing.process.ExternalProcess;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster-wide session caps through a real redis-server (Debian package) on a loopback port of
 * its own, no persistence, stopped by PID. The gateways are three in-process nodes (each with
 * its own listener, registry, limiter and Redis connection, sharing only the event loops): much
 * cheaper than three JVMs, and the nodes share nothing but Redis, as separate processes would.
 * Clients use different loopback source addresses (127.0.0.1, .2, ...) to be different clients.
 */
class RedisClusterLimitsIT {

    private static final String ORIGIN = "https://app.test";
    private static final int PER_IP = 2;
    private static final int PER_ORIGIN = 3;

    @TempDir
    Path dir;
    private int redisPort;
    private ExternalProcess redis;
    private EventLoops loops;
    private PolicyDecider decider;
    private final List<Integer> ports = new ArrayList<>();
    private final List<RedisClusterLimits> nodes = new ArrayList<>();
    private final List<GatewayServer> servers = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redisPort = ExternalProcess.freePort();
        Files.writeString(dir.resolve("redis.conf"), String.join("\n",
                "bind 127.0.0.1", "port " + redisPort, "protected-mode yes", "save \"\"", "appendonly no",
                "dir " + dir, "daemonize no", "loglevel warning", ""));
        redis = startRedisProcess();
        loops = EventLoops.create(2);
    }

    private ExternalProcess startRedisProcess() throws Exception {
        return ExternalProcess.start("redis-server", List.of("/usr/bin/redis-server", dir.resolve("redis.conf").toString()),
                dir, redisPort, Duration.ofSeconds(10));
    }

    private void startNodes(int count, RedisClusterLimits.Failure failure, String... extraPolicy) throws Exception {
        List<String> policy = new ArrayList<>(List.of(extraPolicy));
        policy.addAll(0, List.of("cometgate-policy 1", "origin " + ORIGIN,
                "limit max-sessions-per-ip " + PER_IP, "limit max-sessions-per-origin " + PER_ORIGIN));
        for (int i = 0; i < count; i++) {
            ports.add(ExternalProcess.freePort());
            policy.add("host 127.0.0.1:" + ports.get(i));
        }
        Path file = dir.resolve("site.policy");
        Files.writeString(file, String.join("\n", policy) + "\n");
        decider = PolicyDecider.load(file);
        for (int i = 0; i < count; i++) {
            String node = "gw-" + (i + 1);
            RedisClusterLimits limits = RedisClusterLimits.start(node, "redis://127.0.0.1:" + redisPort, failure,
                    Duration.ofSeconds(30), () -> "same-policy");
            nodes.add(limits);
            GatewayConfig config = GatewayConfig.defaults()
                    .withListen(List.of(new InetSocketAddress("127.0.0.1", ports.get(i))));
            GatewayServer server = GatewayAssembly.server(config, decider, new RecordingAudit(), loops,
                    ClientAddressResolver.PEER_ONLY, node, null, limits.limits());
            servers.add(server);
            server.start();
        }
        await("every node sees Redis up", () -> nodes.stream().allMatch(RedisClusterLimits::isUp));
    }

    @AfterEach
    void stop() throws Exception {
        servers.forEach(GatewayServer::close);
        nodes.forEach(RedisClusterLimits::close);
        if (loops != null) {
            loops.shutdown();
        }
        if (decider != null) {
            decider.close();
        }
        redis.close();
    }

    @Test
    void perAddressAndPerOriginCapsHoldAcrossThreeNodes() throws Exception {
        startNodes(3, RedisClusterLimits.Failure.CLOSED);
        // Per node, 127.0.0.1 could hold 2 sessions on each of 3 nodes (6); across the cluster it gets 2.
        assertEquals(200, createSettled(0, "127.0.0.1"));
        assertEquals(200, createSettled(1, "127.0.0.1"));
        String third = create(2, "127.0.0.1");
        assertTrue(third.startsWith("HTTP/1.1 429") && third.contains("sessions per client address across the cluster"),
                third);
        assertTrue(create(0, "127.0.0.1").startsWith("HTTP/1.1 429"), "node 1 itself holds one: still over the cap");
        // The Origin has 2 sessions; one more from another address fits, the next is over 3 per Origin.
        assertEquals(200, createSettled(2, "127.0.0.2"));
        String overOrigin = create(1, "127.0.0.3");
        assertTrue(overOrigin.startsWith("HTTP/1.1 429") && overOrigin.contains("sessions per Origin across the cluster"),
                overOrigin);
    }

    @Test
    void aNodeThatStopsRefreshingLosesItsCountsWhenItsLeaseExpires() throws Exception {
        startNodes(2, RedisClusterLimits.Failure.CLOSED);
        assertEquals(200, createSettled(1, "127.0.0.1"));
        assertEquals(200, createSettled(1, "127.0.0.1"));
        assertTrue(create(0, "127.0.0.1").startsWith("HTTP/1.1 429"));
        nodes.get(1).close(); // as if gw-2 crashed: nothing refreshes its keys any more
        long start = System.nanoTime();
        await("gw-2's counts expire", () -> create(0, "127.0.0.1").startsWith("HTTP/1.1 200"));
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited <= RedisClusterLimits.LEASE.toMillis() + 2_000, "expired after " + waited + " ms");
    }

    @Test
    void failClosedRefusesNewSessionsWhileRedisIsDownAndRecovers() throws Exception {
        startNodes(2, RedisClusterLimits.Failure.CLOSED);
        assertEquals(200, createSettled(0, "127.0.0.1"));
        killRedis();
        await("the nodes see Redis down", () -> nodes.stream().noneMatch(RedisClusterLimits::isUp));
        GatewayMetrics metrics = new GatewayMetrics();
        nodes.get(0).registerIn(metrics);
        assertEquals(0.0, metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("cometgate_redis_up"))
                .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue())
                .findFirst().orElseThrow());
        String refused = create(1, "127.0.0.2");
        assertTrue(refused.startsWith("HTTP/1.1 429") && refused.contains("Redis unreachable"), refused);
        redis = startRedisProcess();
        await("the nodes see Redis again", () -> nodes.stream().allMatch(RedisClusterLimits::isUp));
        assertEquals(200, createSettled(1, "127.0.0.2"));
        // Counts were republished into the empty Redis: 127.0.0.1 holds 1 on gw-1, so gw-2 admits one more only.
        assertEquals(200, createSettled(1, "127.0.0.1"));
        assertTrue(create(1, "127.0.0.1").startsWith("HTTP/1.1 429"));
    }

    @Test
    void failLocalFallsBackToPerNodeCapsWhileRedisIsDown() throws Exception {
        startNodes(2, RedisClusterLimits.Failure.LOCAL);
        killRedis();
        await("the nodes see Redis down", () -> nodes.stream().noneMatch(RedisClusterLimits::isUp));
        for (int node = 0; node < 2; node++) {
            for (int i = 0; i < PER_IP; i++) {
                String answer = create(node, "127.0.0.5");
                assertTrue(answer.startsWith("HTTP/1.1 200"), "node " + node + ": " + answer);
            }
            assertTrue(create(node, "127.0.0.5").startsWith("HTTP/1.1 429"), "each node still holds its own cap");
        }
        redis = startRedisProcess();
        await("the nodes see Redis again", () -> nodes.stream().allMatch(RedisClusterLimits::isUp));
        Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis());
        // Each node holds 2 sessions of the Origin (under its own 3), but the cluster holds 4: over 3.
        String overOrigin = create(0, "127.0.0.6");
        assertTrue(overOrigin.startsWith("HTTP/1.1 429") && overOrigin.contains("sessions per Origin across the cluster"),
                "back to cluster-wide counting: " + overOrigin);
    }

    @Test
    void channelOpensPerAddressPerMinuteAreCountedAcrossNodes() throws Exception {
        try (EchoBackend echo = new EchoBackend()) {
            startNodes(2, RedisClusterLimits.Failure.CLOSED, "limit opens-per-ip-per-minute 3",
                    "limit max-channels-per-session 8", "allow 127.0.0.1:" + echo.port() + " allow-loopback");
            long intoMinute = System.currentTimeMillis() % 60_000;
            if (intoMinute > 50_000) {
                Thread.sleep(60_500 - intoMinute); // the count restarts with each wall-clock minute
            }
            String target = "127.0.0.1:" + echo.port();
            try (ClientSession one = CometClient.connect(uri(0), TransportKind.WEBSOCKET, ORIGIN);
                 ClientSession two = CometClient.connect(uri(1), TransportKind.WEBSOCKET, ORIGIN)) {
                for (ClientSession session : List.of(one, one, two)) {
                    session.open(target).opened().get(5, TimeUnit.SECONDS);
                    Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis() + 100);
                }
                // gw-2 has seen 1 open itself (under 3), but 3 across the cluster: the fourth is over.
                ClientChannel.Closed refused = two.open(target).closed().get(5, TimeUnit.SECONDS);
                assertEquals(4009, refused.code());
                assertTrue(refused.reason().contains("opens per minute from this address across the cluster"),
                        refused.reason());
            }
        }
    }

    @Test
    void connectionsPerTargetAreCountedAcrossNodes() throws Exception {
        try (EchoBackend echo = new EchoBackend()) {
            startNodes(2, RedisClusterLimits.Failure.CLOSED, "limit max-connections-per-target 2",
                    "limit max-channels-per-session 8", "allow 127.0.0.1:" + echo.port() + " allow-loopback");
            String target = "127.0.0.1:" + echo.port();
            try (ClientSession one = CometClient.connect(uri(0), TransportKind.WEBSOCKET, ORIGIN);
                 ClientSession two = CometClient.connect(uri(1), TransportKind.WEBSOCKET, ORIGIN)) {
                ClientChannel first = one.open(target);
                first.opened().get(5, TimeUnit.SECONDS);
                one.open(target).opened().get(5, TimeUnit.SECONDS);
                Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis() + 100);
                // gw-2 holds no connection to the target itself (under 2), but the cluster holds 2.
                ClientChannel.Closed refused = two.open(target).closed().get(5, TimeUnit.SECONDS);
                assertEquals(4009, refused.code(), refused.reason());
                assertTrue(refused.reason().contains("2 connections to " + target + " across the cluster"), refused.reason());
                first.close();
                Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis() + 100);
                two.open(target).opened().get(5, TimeUnit.SECONDS); // gw-1 released one: a slot is free again
            }
        }
    }

    @Test
    void theDirectoryNamesEachSessionsNodeAndAMisroutedRequestIsCountedAsSuch() throws Exception {
        startNodes(2, RedisClusterLimits.Failure.CLOSED);
        try (ClientSession session = CometClient.connect(uri(0), TransportKind.XHR_POLLING, ORIGIN);
             ClusterView view = ClusterView.connect("redis://127.0.0.1:" + redisPort)) {
            await("the directory has the session", () -> "gw-1".equals(view.session(session.id()).owner()));
            ClusterView.Entry entry = view.session(session.id());
            assertTrue(entry.ownerAlive() && entry.ttlMillis() > 20_000 && entry.ttlMillis() <= 30_000, entry.toString());
            assertEquals(List.of("gw-1", "gw-2"), view.nodes().stream().map(ClusterView.Node::id).toList());
            assertEquals(1, view.nodes().get(0).sessions());
            // The balancer's mistake, by hand: gw-1's session asked of gw-2.
            String wrong = get(1, "/cometgate/xhr-polling?s=" + session.id() + "&ack=0");
            String frame = new String(java.util.Base64.getDecoder().decode(wrong.substring(wrong.indexOf("\r\n\r\n") + 4).strip()),
                    StandardCharsets.ISO_8859_1);
            assertTrue(frame.contains("the session belongs to node gw-1, this is node gw-2"), wrong);
            await("gw-2 looked it up and counted a misrouted request", () -> nodes.get(1).misroutedCount() == 1);
            assertEquals(0, nodes.get(0).misroutedCount());
            String uri = "redis://127.0.0.1:" + redisPort;
            StringWriter out = new StringWriter();
            assertEquals(0, cli(out, "sessions", "--redis", uri, session.id()));
            assertTrue(out.toString().contains(session.id() + ": held by node gw-1 (alive"), out.toString());
            out = new StringWriter();
            assertEquals(0, cli(out, "sessions", "--redis", uri));
            assertTrue(out.toString().matches("(?s).*\ngw-1 +alive +1 +0 +same-policy\n.*"), out.toString());
            session.close();
            await("the entry is removed when the session ends", () -> view.session(session.id()).owner() == null);
            out = new StringWriter();
            assertEquals(1, cli(out, "sessions", "--redis", uri, session.id()), "not held: exit 1");
            assertTrue(out.toString().contains("not in the directory"), out.toString());
        }
    }

    private static int cli(StringWriter out, String... args) {
        picocli.CommandLine cli = io.cometgate.cli.Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    private String get(int node, String path) {
        try (Socket socket = new Socket("127.0.0.1", ports.get(node))) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + ports.get(node)
                    + "\r\nOrigin: " + ORIGIN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("node " + node + ": " + e, e);
        }
    }

    private URI uri(int node) {
        return URI.create("http://127.0.0.1:" + ports.get(node) + "/cometgate");
    }

    private void killRedis() throws InterruptedException {
        long pid = redis.pid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        redis.close();
    }

    /** Creates a session and waits two refreshes, so every node has seen it (no overshoot window). */
    private int createSettled(int node, String from) throws Exception {
        String answer = create(node, from);
        Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis() + 100);
        return Integer.parseInt(answer.substring(9, 12));
    }

    private String create(int node, String from) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", ports.get(node)), 5_000);
            socket.setSoTimeout(5_000);
            String request = "POST /cometgate/session HTTP/1.1\r\nHost: 127.0.0.1:" + ports.get(node) + "\r\nOrigin: "
                    + ORIGIN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("node " + node + ": " + e, e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
