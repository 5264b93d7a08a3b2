package io.cometgate.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PolicyDriftTest {

    @Test
    void namesThePeersWhoseHashDiffersAndIgnoresPeersWithoutOne() {
        PolicyDrift drift = new PolicyDrift("gw-1");
        assertEquals(Map.of("gw-3", "bbb"), drift.check("aaa", Map.of("gw-2", "aaa", "gw-3", "bbb", "gw-4", "")));
        assertEquals(Map.of(), drift.check("aaa", Map.of("gw-2", "aaa", "gw-3", "aaa")));
    }

    @Test
    void aNodeWithoutAPolicyFileComparesNothing() {
        assertEquals(Map.of(), new PolicyDrift("gw-1").check("", Map.of("gw-2", "aaa")));
    }
}
