package io.cometgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The control payloads keep the exact shape docs/PROTOCOL.md shows and the JS client reads. */
class ProtocolJsonTest {

    @Test
    void helloHasTheDocumentedFieldsInTheDocumentedOrder() {
        assertEquals("{\"v\":1,\"session\":\"s-1\",\"ack\":7,\"heartbeatMs\":25000,\"timeoutMs\":60000,"
                        + "\"maxFrame\":65536,\"maxMessage\":1048576,\"window\":262144,\"probe\":true}",
                ProtocolJson.write(new ProtocolJson.Hello(1, "s-1", 7, 25000, 60000, 65536, 1048576, 262144, true)));
    }

    @Test
    void openedNamesTheAddressPortAndWindow() {
        assertEquals("{\"remoteAddress\":\"::1\",\"remotePort\":6667,\"window\":262144}",
                ProtocolJson.write(new ProtocolJson.Opened("::1", 6667, 262144)));
    }

    @Test
    void openLeavesOutAMissingTokenAndEscapesText() {
        assertEquals("{\"target\":\"irc\"}", ProtocolJson.write(new ProtocolJson.Open("irc", null)));
        assertEquals("{\"target\":\"a\\\"b\\n\",\"token\":\"t\"}", ProtocolJson.write(new ProtocolJson.Open("a\"b\n", "t")));
    }

    @Test
    void readingGivesTheObjectsMembers() {
        JsonNode n = ProtocolJson.readObject(" {\"target\":\"db.example.com:5432\",\"token\":\"x\\u0041\"} ");
        assertEquals("db.example.com:5432", n.get("target").asText());
        assertEquals("xA", n.get("token").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"irc\"", "42", "{", "{\"target\":\"a\"} {}", "{\"target\":\"a\",\"target\":\"b\"}",
            "{target:\"a\"}", "{\"target\":'a'}", "{\"target\":\"a\",}", "null"})
    void anythingButOneWellFormedObjectIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> ProtocolJson.readObject(text));
    }
}
