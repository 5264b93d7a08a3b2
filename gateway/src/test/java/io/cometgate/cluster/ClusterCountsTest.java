package io.cometgate.cluster;

import io.cometgate.policy.Limits;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCountsTest {

    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final Limits LIMITS = new Limits(100, 3, 100, 8, 60, 100, java.time.Duration.ZERO, java.time.Duration.ZERO);
    private final AtomicLong wall = new AtomicLong(120_000);

    @Test
    void peersCountsAddToThisNodesAndRefusalsCountNothing() {
        ClusterCounts counts = new ClusterCounts(true, wall::get);
        counts.refreshed(new ClusterCounts.Peers(Map.of("127.0.0.1", 2), Map.of(), 2, Map.of(), Map.of()));
        assertNull(counts.admitSession(CLIENT, "", LIMITS));
        String refused = counts.admitSession(CLIENT, "", LIMITS);
        assertTrue(refused.contains("3 sessions per client address across the cluster"), refused);
        assertEquals(Map.of("127.0.0.1", "1"), counts.mySessionsPerIp());
        counts.sessionEnded(CLIENT, "");
        assertEquals(Map.of(), counts.mySessionsPerIp());
    }

    @Test
    void closedRefusesAndLocalAdmitsWhileUnavailable() {
        ClusterCounts closed = new ClusterCounts(true, wall::get);
        assertEquals(ClusterCounts.UNAVAILABLE, closed.admitSession(CLIENT, "", LIMITS), "never refreshed yet");
        assertEquals(ClusterCounts.UNAVAILABLE, closed.admitOpen(CLIENT, 10));
        ClusterCounts local = new ClusterCounts(false, wall::get);
        local.refreshed(new ClusterCounts.Peers(Map.of("127.0.0.1", 3), Map.of(), 2, Map.of(), Map.of()));
        local.unavailable();
        assertNull(local.admitSession(CLIENT, "", LIMITS), "the peers' stale counts are forgotten");
    }

    @Test
    void opensCountPeersOfTheSameWallClockMinuteOnly() {
        ClusterCounts counts = new ClusterCounts(true, wall::get);
        counts.refreshed(new ClusterCounts.Peers(Map.of(), Map.of(), 2, Map.of("127.0.0.1", 2), Map.of()));
        assertNull(counts.admitOpen(CLIENT, 3));
        assertTrue(counts.admitOpen(CLIENT, 3).contains("3 channel opens per minute"));
        wall.addAndGet(60_000);
        assertNull(counts.admitOpen(CLIENT, 3), "a new minute: this node's count restarts, the peers' are of minute 2");
    }

    @Test
    void connectionsPerTargetAddThePeersAndAreReleasedWhenTheyEnd() {
        ClusterCounts counts = new ClusterCounts(true, wall::get);
        InetSocketAddress target = new InetSocketAddress(CLIENT, 6667);
        counts.refreshed(new ClusterCounts.Peers(Map.of(), Map.of(), 2, Map.of(), Map.of("127.0.0.1:6667", 2)));
        assertNull(counts.admitConnection(target, 3));
        String refused = counts.admitConnection(target, 3);
        assertTrue(refused.contains("3 connections to 127.0.0.1:6667 across the cluster"), refused);
        assertEquals(Map.of("127.0.0.1:6667", "1"), counts.myConnectionsPerTarget(), "the refusal counted nothing");
        counts.connectionEnded(target);
        assertEquals(Map.of(), counts.myConnectionsPerTarget());
        counts.unavailable();
        assertEquals(ClusterCounts.UNAVAILABLE, counts.admitConnection(target, 3), "fail closed while Redis is down");
    }

    @Test
    void targetKeysBracketIpv6() throws Exception {
        assertEquals("[0:0:0:0:0:0:0:1]:443",
                ClusterCounts.targetKey(new InetSocketAddress(InetAddress.getByName("::1"), 443)));
    }
}
