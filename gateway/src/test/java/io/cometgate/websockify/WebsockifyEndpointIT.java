package io.cometgate.websockify;

import io.cometgate.policy.Limits;
import io.cometgate.protocol.CloseCode;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.RecordingAudit;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The websockify-compatible endpoint over real sockets, with the JDK's WebSocket client:
 * websockify's subprotocols, its token forms, and every refusal as a close code, a reason
 * and an audit line, with the other connections unaffected.
 */
class WebsockifyEndpointIT {

    private static final String ORIGIN = TestDecider.ORIGIN;

    private EchoBackend echo;
    private EchoBackend other;
    private RawGateway gateway;

    @BeforeEach
    void start() throws Exception {
        echo = new EchoBackend();
        other = new EchoBackend();
        int refusedPort = 9; // discard: the test policy allows only the two echo ports
        Map<String, String> tokens = Map.of("vnc1", echo.target(), "vnc2", other.target(),
                "elsewhere", "127.0.0.1:" + refusedPort);
        gateway = new RawGateway(new TokenTargets(tokens::get), config -> config.withSizes(4096, config.channelWindow(), config.retransmitBound(), config.streamBudget()));
        gateway.decider.allowPort(echo.port()).allowPort(other.port());
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        echo.close();
        other.close();
    }

    @Test
    void binarySubprotocolRelaysBytesBothWaysAsBinaryMessages() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "binary")) {
            assertEquals("binary", client.socket.getSubprotocol());
            byte[] payload = {0, 1, 2, (byte) 0xff, 'R', 'F', 'B'};
            client.sendBinary(payload);
            assertArrayEquals(payload, readBytes(client, payload.length));
        }
    }

    @Test
    void base64SubprotocolCarriesBase64TextBothWays() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "base64")) {
            assertEquals("base64", client.socket.getSubprotocol());
            byte[] payload = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0};
            client.sendText(Base64.getEncoder().encodeToString(payload));
            RawClient.Message m = client.next();
            assertNotNull(m.text(), "base64 answers in text messages");
            assertArrayEquals(payload, Base64.getDecoder().decode(m.text()));
        }
    }

    @Test
    void binaryIsPreferredWhateverTheOrderOffered() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "base64", "binary")) {
            assertEquals("binary", client.socket.getSubprotocol());
        }
    }

    @Test
    void noSubprotocolMeansBinaryMessagesAndNoneConfirmed() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN)) {
            assertEquals("", client.socket.getSubprotocol());
            client.sendBinary("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", new String(readBytes(client, 5), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theTokenCookieSelectsTheTargetWhenTheQueryHasNone() throws Exception {
        try (RawClient client = RawClient.connectWithCookie(gateway.uri("/websockify"), ORIGIN, "theme=dark; token=vnc2", "binary")) {
            client.sendBinary(new byte[] {42});
            assertArrayEquals(new byte[] {42}, readBytes(client, 1));
        }
        assertTrue(gateway.audit.decisions.stream().anyMatch(d -> d.allowed() && d.address().getPort() == other.port()));
    }

    @Test
    void anUnknownTokenIsClosedWith1008AndAudited() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=nope"), ORIGIN, "binary")) {
            RawClient.Close close = client.awaitClose();
            assertEquals(new RawClient.Close(1008, "unknown token 'nope'"), close);
        }
        awaitDecision("unknown token 'nope'");
    }

    @Test
    void aMissingTokenIsClosedWith1008() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify"), ORIGIN, "binary")) {
            assertEquals(new RawClient.Close(1008, "token missing: connect with ?token=NAME (or a 'token' cookie)"),
                    client.awaitClose());
        }
    }

    @Test
    void noMatchingSubprotocolIsClosedWith1002AndAudited() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "chat", "mqtt")) {
            RawClient.Close close = client.awaitClose();
            assertEquals(1002, close.code());
            assertTrue(close.reason().startsWith("no supported subprotocol: offered 'chat, mqtt'"), close.reason());
        }
        awaitDecision("no supported subprotocol: offered 'chat, mqtt', this endpoint speaks binary, base64 or none");
        assertEquals(0, echo.written(), "no backend connection was made");
    }

    @Test
    void anOversizeMessageIsClosedWith1009AndAudited() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "binary")) {
            client.sendBinary(new byte[] {1});
            readBytes(client, 1);
            client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[5000]), true);
            RawClient.Close close = client.awaitClose();
            assertEquals(1009, close.code());
            assertTrue(close.reason().contains("4096"), close.reason());
        }
        awaitChannelClose(CloseCode.PROTOCOL_ERROR, "message over 4096 bytes");
    }

    @Test
    void aConnectionIdleForThePolicysChannelIdleTimeoutIsClosedWith4005() throws Exception {
        Limits d = Limits.DEFAULT;
        gateway.decider.limits(new Limits(d.maxSessions(), d.maxSessionsPerIp(), d.maxSessionsPerOrigin(),
                d.maxChannelsPerSession(), d.opensPerIpPerMinute(), d.maxConnectionsPerTarget(), Duration.ofSeconds(1),
                d.channelMaxLifetime()));
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "binary")) {
            client.sendBinary(new byte[] {1});
            assertArrayEquals(new byte[] {1}, readBytes(client, 1));
            assertEquals(new RawClient.Close(4005, "no data either way for 1 s"), client.awaitClose());
        }
    }

    @Test
    void aTargetThePolicyRefusesIsClosedWith4004AndTheDecisionReason() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=elsewhere"), ORIGIN, "binary")) {
            RawClient.Close close = client.awaitClose();
            assertEquals(new RawClient.Close(4004, TestDecider.DENY_REASON), close);
        }
        awaitDecision(TestDecider.DENY_REASON);
    }

    @Test
    void badInputOnOneConnectionLeavesAnotherUntouched() throws Exception {
        try (RawClient healthy = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "binary")) {
            healthy.sendBinary(new byte[] {7});
            readBytes(healthy, 1);
            for (String token : new String[] {"nope", "elsewhere"}) {
                try (RawClient bad = RawClient.connect(gateway.uri("/websockify?token=" + token), ORIGIN, "binary")) {
                    bad.awaitClose();
                }
            }
            try (RawClient big = RawClient.connect(gateway.uri("/websockify?token=vnc2"), ORIGIN, "binary")) {
                big.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[8000]), true);
                assertEquals(1009, big.awaitClose().code());
            }
            healthy.sendBinary(new byte[] {8, 9});
            assertArrayEquals(new byte[] {8, 9}, readBytes(healthy, 2));
            assertFalse(healthy.closed.isDone());
        }
    }

    @Test
    void anOriginThePolicyDoesNotAllowIsRefusedBeforeTheHandshake() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> RawClient.connect(gateway.uri("/websockify?token=vnc1"), "https://evil.test", "binary"));
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }

    @Test
    void aClientCloseEndsTheBackendConnectionAndIsAuditedWithItsBytes() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/websockify?token=vnc1"), ORIGIN, "binary")) {
            client.sendBinary(new byte[] {1, 2, 3});
            readBytes(client, 3);
            client.socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertEquals(1000, client.awaitClose().code());
        }
        RecordingAudit.Close close = awaitChannelClose(CloseCode.NORMAL, "closed by the client (code 1000)");
        assertEquals(3, close.bytesUp());
        assertEquals(3, close.bytesDown());
        assertEquals(echo.target(), close.target());
    }

    /** The echo may answer in several reads: collect until {@code n} bytes came. */
    private static byte[] readBytes(RawClient client, int n) throws InterruptedException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < n) {
            RawClient.Message m = client.next();
            assertNotNull(m.bytes(), "a binary message");
            out.writeBytes(m.bytes());
        }
        return out.toByteArray();
    }

    /** The audit's refused decision with exactly {@code reason} (within 5 s). */
    private void awaitDecision(String reason) throws InterruptedException {
        await(() -> gateway.audit.decisions.stream().anyMatch(d -> !d.allowed() && d.reason().equals(reason)),
                () -> "a refused decision '" + reason + "' in " + gateway.audit.decisions);
    }

    /** The audit's channel close with {@code code} and {@code reason} (within 5 s). */
    private RecordingAudit.Close awaitChannelClose(CloseCode code, String reason) throws InterruptedException {
        await(() -> gateway.audit.closes.stream().anyMatch(c -> c.code() == code && c.reason().equals(reason)),
                () -> "a close " + code + " '" + reason + "' in " + gateway.audit.closes);
        return gateway.audit.closes.stream().filter(c -> c.code() == code && c.reason().equals(reason)).findFirst().orElseThrow();
    }

    private static void await(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not audited: " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
