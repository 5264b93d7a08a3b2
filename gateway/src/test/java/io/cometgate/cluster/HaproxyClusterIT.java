package io.cometgate.cluster;

import io.cometgate.client.ClientSession;
import io.cometgate.client.CometClient;
import io.cometgate.config.TransportKind;
import io.cometgate.session.SessionIds;
import io.cometgate.testing.process.BalancedCluster;
import io.cometgate.testing.process.GatewayNodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped examples/cluster/haproxy.cfg in front of three gateway JVMs (gw-1..gw-3) sharing
 * one redis-server ({@code --redis}), all real processes on loopback: each session is served
 * only by the node its id names (and the session directory in Redis agrees), the per-address
 * and per-Origin caps hold across the nodes, Redis killed and restarted mid-run refuses new
 * sessions meanwhile without touching running ones, a draining node gets no new sessions while
 * its peers lose nothing, and a node killed with SIGKILL leaves its clients a clear 4015 and a
 * fresh session on a live node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class HaproxyClusterIT {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final List<TransportKind> ALL = List.of(TransportKind.values());

    @RegisterExtension
    static final BalancedCluster.PerClass cluster = BalancedCluster.perClassWithRedis(BalancedCluster.Balancer.HAPROXY);

    @BeforeAll
    static void start() throws Exception {
        awaitAllUp();
    }

    /** Until HAProxy has seen every node healthy (rise 2 at 1 s): a new session lands on each. */
    private static void awaitAllUp() throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        while (true) {
            Map<String, Integer> seen = new HashMap<>();
            try {
                for (int i = 0; i < 6; i++) {
                    try (ClientSession s = CometClient.connect(cluster.gateway(), TransportKind.XHR_POLLING, GatewayNodes.ORIGIN)) {
                        seen.merge(SessionIds.nodeOf(s.id()), 1, Integer::sum);
                    }
                }
            } catch (java.io.IOException e) {
                seen.put(e.getMessage(), 0); // 503 while HAProxy sees no node up yet (just started)
            }
            if (seen.size() == 3 && !seen.containsValue(0)) {
                return;
            }
            assertTrue(System.nanoTime() < end, "HAProxy never balanced over all three nodes: " + seen + "\n" + cluster.balancer().output());
            Thread.sleep(500);
        }
    }

    private static void awaitNewSessionOn(String node) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            try (ClientSession s = CometClient.connect(cluster.gateway(), TransportKind.XHR_POLLING, GatewayNodes.ORIGIN)) {
                if (node.equals(SessionIds.nodeOf(s.id()))) {
                    return;
                }
                seen.add(SessionIds.nodeOf(s.id()));
            } catch (java.io.IOException e) {
                seen.add(e.getMessage());
            }
            assertTrue(System.nanoTime() < end, node + " never got a new session: " + seen + "\n" + cluster.balancer().output());
            Thread.sleep(300);
        }
    }

    private static long[] metric(String name) throws Exception {
        long[] values = new long[3];
        for (int i = 0; i < 3; i++) {
            values[i] = cluster.nodes().metric(i, name);
        }
        return values;
    }

    /** {@code count} echo loops per transport, started concurrently. */
    private static List<EchoLoop> startLoops(List<TransportKind> kinds, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<EchoLoop>> started = new ArrayList<>();
            long seed = System.nanoTime();
            for (TransportKind kind : kinds) {
                for (int i = 0; i < count; i++) {
                    long s = seed++;
                    started.add(pool.submit(() -> EchoLoop.start(cluster.gateway(), kind, s)));
                }
            }
            List<EchoLoop> loops = new ArrayList<>();
            for (Future<EchoLoop> f : started) {
                loops.add(f.get(60, TimeUnit.SECONDS));
            }
            return loops;
        } finally {
            pool.shutdown();
        }
    }

    private static Map<String, List<EchoLoop>> byNode(List<EchoLoop> loops) {
        Map<String, List<EchoLoop>> by = new HashMap<>();
        for (EchoLoop loop : loops) {
            by.computeIfAbsent(loop.node(), n -> new ArrayList<>()).add(loop);
        }
        return by;
    }

    @Test
    @Order(1)
    void everyTransportsSessionsAreServedOnlyByTheNodeTheirIdNames() throws Exception {
        long[] createdBefore = metric("cometgate_sessions_created_total");
        long[] unknownBefore = metric("cometgate_unknown_sessions_total");
        List<EchoLoop> loops = startLoops(ALL, 4);
        try {
            Thread.sleep(2000); // many polls, streams and POSTs per session cross the balancer
            Map<String, List<EchoLoop>> by = byNode(loops);
            assertEquals(3, by.size(), "leastconn spreads new sessions over every node: " + by.keySet());
            for (EchoLoop loop : loops) {
                assertTrue(loop.stop() > 0, loop.kind.label() + " made no progress");
            }
            String hash = null;
            for (int i = 0; i < 3; i++) {
                String info = cluster.nodes().nodeInfo(i);
                assertTrue(info.startsWith("cometgate_node_info{node=\"" + GatewayNodes.nodeId(i) + "\",policy_sha256=\""), info);
                String nodeHash = info.substring(info.indexOf("policy_sha256="));
                assertTrue(hash == null || hash.equals(nodeHash), "every node enforces the same policy: " + info);
                hash = nodeHash;
            }
            try (ClusterView view = ClusterView.connect(cluster.redis().uri())) {
                for (EchoLoop loop : loops) {
                    ClusterView.Entry entry = view.session(loop.session.id());
                    assertEquals(loop.node(), entry.owner(), "the directory names the node the id names");
                    assertTrue(entry.ownerAlive());
                }
            }
            long[] created = metric("cometgate_sessions_created_total");
            long[] unknown = metric("cometgate_unknown_sessions_total");
            for (int i = 0; i < 3; i++) {
                int expected = by.getOrDefault(GatewayNodes.nodeId(i), List.of()).size();
                // At least: a client that timed out on a loaded machine may have created one more and retried.
                assertTrue(created[i] - createdBefore[i] >= expected, GatewayNodes.nodeId(i) + " created the sessions tagged with it");
                assertEquals(0, unknown[i] - unknownBefore[i], GatewayNodes.nodeId(i) + " got no request for another node's session");
            }
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }

    @Test
    @Order(2)
    void perAddressAndPerOriginCapsHoldAcrossTheNodesBehindTheBalancer() throws Exception {
        GatewayNodes nodes = cluster.nodes();
        nodes.writePolicy(2, 5);
        try {
            nodes.awaitPolicyLoaded(BOUND);
            // Each node alone would admit 2 per address (6 over 3 nodes) and 5 per Origin (15).
            List<String> admitted = new ArrayList<>();
            admitted.add(createdOn(createSettled("127.0.0.2")));
            admitted.add(createdOn(createSettled("127.0.0.2")));
            String overIp = createFrom("127.0.0.2");
            assertTrue(overIp.startsWith("HTTP/1.1 429") && overIp.contains("2 sessions per client address across the cluster"),
                    overIp);
            for (String from : List.of("127.0.0.3", "127.0.0.3", "127.0.0.4")) {
                admitted.add(createdOn(createSettled(from)));
            }
            String overOrigin = createFrom("127.0.0.4");
            assertTrue(overOrigin.startsWith("HTTP/1.1 429") && overOrigin.contains("5 sessions per Origin across the cluster"),
                    overOrigin);
            assertTrue(new HashSet<>(admitted).size() > 1, "leastconn spread the sessions: " + admitted);
        } finally {
            nodes.writePolicy(1000, 1000);
            nodes.awaitPolicyLoaded(BOUND);
        }
    }

    @Test
    @Order(3)
    void redisKilledAndRestartedMidRunRefusesNewSessionsMeanwhileAndRunningOnesLoseNothing() throws Exception {
        List<EchoLoop> loops = startLoops(List.of(TransportKind.WEBSOCKET, TransportKind.XHR_STREAMING,
                TransportKind.XHR_POLLING), 2);
        try {
            cluster.redis().kill();
            awaitOnEveryNode("cometgate_redis_up", 0);
            long[] rounds = loops.stream().mapToLong(EchoLoop::rounds).toArray();
            String refused = createFrom("127.0.0.7");
            assertTrue(refused.startsWith("HTTP/1.1 429") && refused.contains("Redis unreachable"), refused);
            Thread.sleep(1000);
            for (int i = 0; i < loops.size(); i++) {
                assertTrue(loops.get(i).rounds() > rounds[i], loops.get(i).kind.label() + " stalled while Redis was down");
            }
            cluster.redis().restart();
            awaitOnEveryNode("cometgate_redis_up", 1);
            assertEquals(200, status(createFrom("127.0.0.7")), "new sessions again once Redis is back");
            try (ClusterView view = ClusterView.connect(cluster.redis().uri())) {
                long held = view.nodes().stream().filter(ClusterView.Node::alive).mapToLong(ClusterView.Node::sessions).sum();
                assertTrue(held >= loops.size(), "the nodes republished their counts into the empty Redis: " + held);
                awaitEntry(view, loops.get(0));
            }
            for (EchoLoop loop : loops) {
                assertTrue(loop.stop() > 0, loop.kind.label() + " on " + loop.node());
            }
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }

    /** The directory's sweep rewrites every live session within a third of the session timeout. */
    private static void awaitEntry(ClusterView view, EchoLoop loop) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!loop.node().equals(view.session(loop.session.id()).owner())) {
            assertTrue(System.nanoTime() < end, "the directory never got " + loop.node() + "'s session back");
            Thread.sleep(200);
        }
    }

    private static void awaitOnEveryNode(String gauge, long value) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        for (int i = 0; i < 3; i++) {
            while (cluster.nodes().metric(i, gauge) != value) {
                assertTrue(System.nanoTime() < end, GatewayNodes.nodeId(i) + ": " + gauge + " never became " + value);
                Thread.sleep(100);
            }
        }
    }

    /** POST /cometgate/session through the balancer from loopback address {@code from}: the raw answer. */
    private static String createFrom(String from) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", cluster.gateway().getPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /cometgate/session HTTP/1.1\r\nHost: " + GatewayNodes.HOST
                    + "\r\nOrigin: " + GatewayNodes.ORIGIN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("from " + from + ": " + e, e);
        }
    }

    /** Creates a session and waits two refreshes, so every node has counted it (no overshoot window). */
    private static String createSettled(String from) throws Exception {
        String answer = createFrom(from);
        assertEquals(200, status(answer), answer);
        Thread.sleep(2 * RedisClusterLimits.REFRESH.toMillis() + 100);
        return answer;
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** The node of the session a 200 HELLO names. */
    private static String createdOn(String answer) {
        Matcher m = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(answer);
        assertTrue(m.find(), answer);
        return SessionIds.nodeOf(m.group(1));
    }

    @Test
    @Order(4)
    void aRollingRestartMovesNewSessionsAwayAndTheOtherNodesLoseNothing() throws Exception {
        List<EchoLoop> loops = startLoops(List.of(TransportKind.WEBSOCKET, TransportKind.XHR_STREAMING,
                TransportKind.XHR_POLLING, TransportKind.EVENTSOURCE), 3);
        try {
            cluster.nodes().node(1).terminate(); // SIGTERM gw-2: it drains
            cluster.nodes().awaitReadyz(1, 503, BOUND);
            Thread.sleep(2500); // HAProxy checks every 1 s and takes one failure as down
            for (int i = 0; i < 6; i++) {
                try (ClientSession s = CometClient.connect(cluster.gateway(), TransportKind.XHR_POLLING, GatewayNodes.ORIGIN)) {
                    assertNotEquals("gw-2", SessionIds.nodeOf(s.id()), "a draining node got a new session");
                }
            }
            assertEquals(0, cluster.nodes().node(1).awaitExit(BOUND), "gw-2 exits 0 after its drain");
            cluster.nodes().restart(1);
            cluster.nodes().awaitReadyz(1, 200, BOUND);
            awaitNewSessionOn("gw-2"); // back in the balance: the fewest connections
            for (EchoLoop loop : loops) {
                if (loop.node().equals("gw-2")) {
                    loop.close(); // ended by the drain (4010): its node went away, as planned
                } else {
                    assertTrue(loop.stop() > 0, "a session on " + loop.node() + " failed during the restart of gw-2");
                }
            }
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }

    @Test
    @Order(5)
    void aKilledNodesClientsGet4015AndAFreshSessionWhileTheOthersLoseAndDuplicateNothing() throws Exception {
        List<EchoLoop> loops = startLoops(ALL, 3);
        try {
            Map<String, List<EchoLoop>> by = byNode(loops);
            assertTrue(by.containsKey("gw-3") && by.size() == 3, "sessions on every node: " + by.keySet());
            cluster.nodes().node(2).kill();
            for (EchoLoop loop : by.get("gw-3")) {
                ClientSession.Closed closed = loop.session.closed().get(BOUND.toSeconds(), TimeUnit.SECONDS);
                assertEquals(4015, closed.code(), loop.kind.label() + ": " + closed.reason());
                assertTrue(closed.reason().contains("gw-3"), closed.reason());
                EchoLoop fresh = EchoLoop.start(cluster.gateway(), loop.kind, 7);
                assertNotEquals("gw-3", fresh.node());
                assertTrue(fresh.stop() >= 0);
                fresh.close();
            }
            Thread.sleep(1000);
            for (EchoLoop loop : loops) {
                if (!loop.node().equals("gw-3")) {
                    assertTrue(loop.stop() > 0, loop.kind.label() + " on " + loop.node());
                }
            }
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }
}
