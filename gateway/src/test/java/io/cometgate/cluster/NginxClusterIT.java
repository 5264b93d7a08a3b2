package io.cometgate.cluster;

import io.cometgate.client.ClientSession;
import io.cometgate.config.TransportKind;
import io.cometgate.testing.process.BalancedCluster;
import io.cometgate.testing.process.GatewayNodes;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped examples/cluster/nginx.conf in front of three gateway JVMs: sessions of the
 * main transports are served by the node their id names, and a node killed with SIGKILL
 * leaves its clients a clear 4015 and a fresh session elsewhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class NginxClusterIT {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final List<TransportKind> KINDS = List.of(TransportKind.WEBSOCKET, TransportKind.XHR_STREAMING,
            TransportKind.EVENTSOURCE, TransportKind.XHR_POLLING);

    @RegisterExtension
    static final BalancedCluster.PerClass cluster = BalancedCluster.perClass(BalancedCluster.Balancer.NGINX);

    private static List<EchoLoop> startLoops(int perKind) throws Exception {
        List<EchoLoop> loops = new ArrayList<>();
        long seed = 11;
        for (int i = 0; i < perKind; i++) {
            for (TransportKind kind : KINDS) {
                loops.add(EchoLoop.start(cluster.gateway(), kind, seed++));
            }
        }
        return loops;
    }

    @Test
    @Order(1)
    void eachSessionIsServedByTheNodeItsIdNames() throws Exception {
        List<EchoLoop> loops = startLoops(3);
        try {
            Thread.sleep(1500);
            Map<String, Integer> perNode = new HashMap<>();
            for (EchoLoop loop : loops) {
                assertTrue(loop.stop() > 0, loop.kind.label());
                perNode.merge(loop.node(), 1, Integer::sum);
            }
            assertEquals(3, perNode.size(), "least_conn spreads new sessions: " + perNode);
            for (int i = 0; i < 3; i++) {
                // At least: a client that timed out on a loaded machine may have created one more and retried.
                assertTrue(cluster.nodes().metric(i, "cometgate_sessions_created_total") >= perNode.get(GatewayNodes.nodeId(i)),
                        GatewayNodes.nodeId(i) + " created the sessions tagged with it");
                assertEquals(0, cluster.nodes().metric(i, "cometgate_unknown_sessions_total"), GatewayNodes.nodeId(i));
            }
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }

    @Test
    @Order(2)
    void aKilledNodesClientsGet4015AndAFreshSessionElsewhere() throws Exception {
        List<EchoLoop> loops = startLoops(3);
        try {
            cluster.nodes().node(0).kill();
            int killed = 0;
            for (EchoLoop loop : loops) {
                if (loop.node().equals("gw-1")) {
                    killed++;
                    ClientSession.Closed closed = loop.session.closed().get(BOUND.toSeconds(), TimeUnit.SECONDS);
                    assertEquals(4015, closed.code(), loop.kind.label() + ": " + closed.reason());
                    EchoLoop fresh = EchoLoop.start(cluster.gateway(), loop.kind, 99);
                    assertNotEquals("gw-1", fresh.node());
                    fresh.close();
                } else {
                    assertTrue(loop.stop() > 0, loop.kind.label() + " on " + loop.node());
                }
            }
            assertTrue(killed > 0, "some sessions were on gw-1");
        } finally {
            loops.forEach(EchoLoop::close);
        }
    }
}
