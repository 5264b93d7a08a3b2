package io.cometgate.demo;

import io.cometgate.policy.PolicyDecider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in demo policy allows exactly the Host and Origin values of the listeners it is rendered for. */
class DemoPolicyTest {

    private static final InetSocketAddress ECHO = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress CHAT = new InetSocketAddress("127.0.0.1", 40002);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "listening on {0}:{1}, Host {2} allowed={3}, Origin {4} allowed={5}")
    @CsvSource({
            "127.0.0.1, 9090, 127.0.0.1:9090, true,  http://127.0.0.1:9090, true",
            "127.0.0.1, 9090, localhost:9090, true,  http://localhost:9090, true",
            "127.0.0.1, 9090, 127.0.0.1:8080, false, http://127.0.0.1:8080, false",
            "127.0.0.1, 9090, evil.test:9090, false, http://evil.test:9090, false",
            "127.0.0.1, 9090, [::1]:9090,     false, https://127.0.0.1:9090, false",
            "127.0.0.1, 80,   127.0.0.1,      true,  http://127.0.0.1,      true",
            "::1,       9443, [::1]:9443,     true,  http://[::1]:9443,     true",
            "::1,       9443, localhost:9443, true,  http://localhost:9443, true",
            "0.0.0.0,   7000, localhost:7000, true,  http://localhost:7000, true",
            "0.0.0.0,   7000, 127.0.0.1:7000, true,  http://127.0.0.1:7000, true",
            "0.0.0.0,   7000, 127.0.0.1:7001, false, http://127.0.0.1:7001, false",
    })
    void hostAndOriginFollowTheListener(String address, int port, String host, boolean hostAllowed,
                                        String origin, boolean originAllowed) throws Exception {
        try (PolicyDecider decider = load(DemoPolicy.render(List.of(new InetSocketAddress(address, port)), List.of(),
                List.of(), ECHO, CHAT))) {
            assertEquals(hostAllowed, decider.isHostAllowed(host), host);
            assertEquals(originAllowed, decider.isOriginAllowed(origin), origin);
        }
    }

    @Test
    void tlsListenersAndExtraHostnamesGetHttpsOrigins() throws Exception {
        try (PolicyDecider decider = load(DemoPolicy.render(List.of(), List.of(new InetSocketAddress("127.0.0.1", 8443)),
                List.of("Gw.Example"), ECHO, CHAT))) {
            assertTrue(decider.isHostAllowed("gw.example:8443"));
            assertTrue(decider.isOriginAllowed("https://gw.example:8443"));
            assertFalse(decider.isOriginAllowed("http://gw.example:8443"));
        }
    }

    @Test
    void theAliasesNameTheBackendsWhereverTheyWereBound() {
        String text = DemoPolicy.render(List.of(new InetSocketAddress("127.0.0.1", 9090)), List.of(), List.of(), ECHO, CHAT);
        assertTrue(text.contains("alias echo 127.0.0.1:40001 allow-loopback"), text);
        assertTrue(text.contains("alias chat 127.0.0.1:40002 allow-loopback"), text);
        String none = DemoPolicy.render(List.of(new InetSocketAddress("127.0.0.1", 9090)), List.of(), List.of(), null, null);
        assertFalse(none.contains("alias"), none);
    }

    @Test
    void aListenerNotBoundYetIsLeftOut() {
        String text = DemoPolicy.render(List.of(new InetSocketAddress("127.0.0.1", 0)), List.of(), List.of(), ECHO, CHAT);
        assertFalse(text.contains("host "), text);
        assertFalse(text.contains(":0"), text);
    }

    private PolicyDecider load(String text) throws Exception {
        return PolicyDecider.load(Files.writeString(dir.resolve("demo.policy"), text));
    }
}
