package io.cometgate.cluster;

import io.cometgate.session.SessionIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"gw-1", "a", "node7", "abcdefghijklmnopqrstuvwx"})
    void shortLowerCaseNamesAreValidNodeIds(String id) {
        assertEquals(id, new NodeId(id).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GW1", "gw_1", "gw.1", "-gw", "gw-", "abcdefghijklmnopqrstuvwxy", "gw 1", "gw/1"})
    void anythingElseIsRefusedWithTheRule(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeId(id));
        assertTrue(e.getMessage().contains("--node-id must be 1-24 characters of a-z, 0-9 and '-'"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + id + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "Web-01.example.net, web-01",
            "GATEWAY_2, gateway-2",
            "a-very-long-host-name-that-goes-on-and-on, a-very-long-host-name-th",
            "___, node",
            "host-with-trailing-_, host-with-trailing"})
    void theDefaultIsTheShortHostNameMadeValid(String host, String expected) {
        assertEquals(expected, NodeId.fromHostName(host).value());
    }

    @Test
    void everySessionIdCarriesItsNodeAndIsWellFormed() {
        String id = SessionIds.next("gw-2");
        assertTrue(id.endsWith(".gw-2"), id);
        assertTrue(SessionIds.wellFormed(id), id);
        assertEquals("gw-2", SessionIds.nodeOf(id));
        assertFalse(SessionIds.next("gw-2").equals(id), "ids are random");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAA.GW",
            "AAAAAAAAAAAAAAAAAAAAAA-gw", "AAAAAAAAAAAAAAAAAAAAA!.gw", "AAAAAAAAAAAAAAAAAAAAAA.abcdefghijklmnopqrstuvwxy"})
    void malformedIdsAreRejectedBeforeAnyLookup(String id) {
        assertFalse(SessionIds.wellFormed(id), id);
    }

    @Test
    void anIdWithoutNodeIsStillWellFormedButNamesNoNode() {
        assertTrue(SessionIds.wellFormed("AAAAAAAAAAAAAAAAAAAAAA"));
        assertNull(SessionIds.nodeOf("AAAAAAAAAAAAAAAAAAAAAA"));
    }
}
