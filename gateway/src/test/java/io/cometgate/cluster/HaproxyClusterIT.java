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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped examples/cluster/haproxy.cfg in front of three gateway JVMs (gw-1..gw-3), all
 * real processes on loopback: each session is served only by the node its id names, a
 * draining node gets no new sessions while its peers lose nothing, and a node killed with
 * SIGKILL leaves its clients a clear 4015 and a fresh session on a live node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class HaproxyClusterIT {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final List<TransportKind> ALL = List.of(TransportKind.values());

    @RegisterExtension
    static final BalancedCluster.PerClass cluster = BalancedCluster.perClass(BalancedCluster.Balancer.HAPROXY);

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
    @Order(3)
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
