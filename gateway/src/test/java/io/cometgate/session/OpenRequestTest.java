package io.cometgate.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an OPEN payload may be (docs/PROTOCOL.md); anything else closes only that channel with 4006. */
class OpenRequestTest {

    @Test
    void aTargetAndAnOptionalTokenAreRead() {
        assertEquals(new OpenRequest("irc", null), OpenRequest.parse("{\"target\":\"irc\"}"));
        assertEquals(new OpenRequest("[::1]:6667", "a.b.c"), OpenRequest.parse("{\"token\":\"a.b.c\",\"target\":\"[::1]:6667\"}"));
        assertEquals(new OpenRequest("irc", null), OpenRequest.parse("{\"target\":\"irc\",\"token\":null,\"extra\":[1]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "irc", "[\"irc\"]", "{\"target\":\"irc\"", "{\"target\":\"irc\"} x",
            "{\"target\":\"a\",\"target\":\"b\"}", "{\"target\":\"\"}", "{\"target\":7}", "{}",
            "{\"target\":\"irc\",\"token\":5}", "{\"target\":\"irc\",\"token\":{}}"})
    void malformedPayloadsAreRefusedWithAReason(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenRequest.parse(json));
        assertTrue(e.getMessage().startsWith("OPEN"), e.getMessage());
    }

    @Test
    void aTargetLongerThan300CharactersIsRefused() {
        assertEquals(300, OpenRequest.parse("{\"target\":\"" + "a".repeat(300) + "\"}").target().length());
        assertThrows(IllegalArgumentException.class, () -> OpenRequest.parse("{\"target\":\"" + "a".repeat(301) + "\"}"));
    }
}
