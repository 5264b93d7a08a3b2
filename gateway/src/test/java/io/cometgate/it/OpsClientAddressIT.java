package io.cometgate.it;

import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real client address as backends see it, through the gateway process: PROXY protocol
 * v1 and v2 bytes, the WEBIRC line, and X-Forwarded-For believed only from a trusted proxy
 * (127.0.0.2 here; the untrusted client connects from 127.0.0.1). Also /metrics as scraped.
 */
class OpsClientAddressIT {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";

    @TempDir
    static Path dir;

    private static RecordingBackend v1;
    private static RecordingBackend v2;
    private static RecordingBackend irc;
    private static RecordingBackend forwarded;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        v1 = new RecordingBackend();
        v2 = new RecordingBackend();
        irc = new RecordingBackend();
        forwarded = new RecordingBackend();
        Files.writeString(dir.resolve("webirc.pass"), "s3cret\n");
        Path policy = PolicyFile.write(dir.resolve("ops.policy"), HOST, ORIGIN,
                "trusted-proxy 127.0.0.2/32",
                "alias pp1 " + v1.hostPort() + " proxy-protocol=v1 allow-loopback",
                "alias pp2 " + v2.hostPort() + " proxy-protocol=v2 allow-loopback",
                "alias irc " + irc.hostPort() + " webirc-password-file=webirc.pass allow-loopback",
                "alias fwd " + forwarded.hostPort() + " proxy-protocol=v1 allow-loopback");
        gateway = GatewayProcess.withPolicy(policy, "--threads", "2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (RecordingBackend b : new RecordingBackend[] {v1, v2, irc, forwarded}) {
            if (b != null) {
                b.close();
            }
        }
    }

    /** Opens {@code target} and sends {@code hello} once the gateway says OPENED. */
    private static void openAndSend(WsClient client, String target) throws IOException {
        client.open(1, target);
        WsClient.Frame opened = client.await(f -> f.channel() == 1 && (f.type() == WsClient.OPENED || f.type() == WsClient.CLOSE), BOUND);
        assertEquals(WsClient.OPENED, opened.type(), () -> "channel closed: " + opened.closeCode() + " " + opened.closeReason());
        client.send(1, "hello".getBytes(StandardCharsets.US_ASCII));
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void aProxyV1BackendReadsTheClientAddressLineBeforeTheClientsData() throws Exception {
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            openAndSend(client, "pp1");
            RecordingBackend.Connection c = v1.awaitConnection(BOUND);
            String expected = "PROXY TCP4 127.0.0.1 127.0.0.1 0 " + v1.address().getPort() + "\r\nhello";
            String received = ascii(c.awaitBytes(expected.length(), BOUND));
            // Source port 0: a session outlives the browser's connections (docs/TLS.md).
            assertEquals(expected, received);
        }
    }

    @Test
    void aProxyV2BackendReadsTheBinaryHeaderBeforeTheClientsData() throws Exception {
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            openAndSend(client, "pp2");
            byte[] received = v2.awaitConnection(BOUND).awaitBytes(16 + 12 + 5, BOUND);
            ByteBuffer b = ByteBuffer.wrap(received);
            byte[] signature = new byte[12];
            b.get(signature);
            assertArrayEquals(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A}, signature);
            assertEquals(0x21, b.get() & 0xff, "version 2, command PROXY");
            assertEquals(0x11, b.get() & 0xff, "TCP over IPv4");
            assertEquals(12, b.getShort(), "address block length");
            byte[] src = new byte[4];
            byte[] dst = new byte[4];
            b.get(src).get(dst);
            assertArrayEquals(new byte[] {127, 0, 0, 1}, src);
            assertArrayEquals(new byte[] {127, 0, 0, 1}, dst);
            assertEquals(0, b.getShort(), "source port");
            assertEquals(v2.address().getPort(), b.getShort() & 0xffff, "destination port");
            assertEquals("hello", ascii(Arrays.copyOfRange(received, 28, received.length)));
        }
    }

    @Test
    void anIrcBackendReadsTheWebircLineFirst() throws Exception {
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            openAndSend(client, "irc");
            String expected = "WEBIRC s3cret cometgate 127.0.0.1 127.0.0.1\r\nhello";
            assertEquals(expected, ascii(irc.awaitConnection(BOUND).awaitBytes(expected.length(), BOUND)));
        }
    }

    @Test
    void xForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        Map<String, String> headers = WsClient.headers(HOST, ORIGIN);
        headers.put("X-Forwarded-For", "198.51.100.23");
        try (WsClient client = WsClient.connect(gateway.http(), InetAddress.getByName("127.0.0.1"), headers)) {
            openAndSend(client, "fwd");
            String line = firstLine(forwarded.awaitConnection(BOUND));
            assertTrue(line.startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 "), line);
        }
    }

    @Test
    void xForwardedForFromATrustedProxyBecomesTheClientAddress() throws Exception {
        Map<String, String> headers = WsClient.headers(HOST, ORIGIN);
        // The client wrote the left entry; the proxy appended the address it saw.
        headers.put("X-Forwarded-For", "192.0.2.66, 203.0.113.9");
        try (WsClient client = WsClient.connect(gateway.http(), InetAddress.getByName("127.0.0.2"), headers)) {
            openAndSend(client, "fwd");
            String line = firstLine(forwarded.awaitConnection(BOUND));
            assertTrue(line.startsWith("PROXY TCP4 203.0.113.9 127.0.0.1 "), line);
        }
    }

    private static String firstLine(RecordingBackend.Connection c) throws InterruptedException {
        String text = ascii(c.awaitBytes("PROXY TCP4 1.1.1.1 1.1.1.1 0 1\r\n".length(), BOUND));
        long end = System.nanoTime() + BOUND.toNanos();
        while (!text.contains("\r\n") && System.nanoTime() < end) {
            text = ascii(c.awaitBytes(text.length() + 1, BOUND));
        }
        return text.substring(0, text.indexOf("\r\n"));
    }

    @Test
    void metricsShowEventLoopLagHeapFileDescriptorsAndRelayCounters() throws Exception {
        PlainHttp.Response r = PlainHttp.get(gateway.http(), "/metrics", HOST);
        assertEquals(200, r.status(), r.body());
        for (String series : new String[] {
                "cometgate_sessions ", "cometgate_channels_open ", "cometgate_receivers{transport=\"websocket\"} ",
                "cometgate_bytes_up_total ", "cometgate_backend_connect_seconds_count ",
                "cometgate_event_loop_lag_seconds{loop=\"0\"} ", "cometgate_event_loop_lag_seconds{loop=\"1\"} ",
                "cometgate_event_loop_pending_tasks{loop=\"0\"} ", "jvm_memory_used_bytes{area=\"heap\"} ",
                "process_open_fds ", "process_max_fds ", "cometgate_tls_handshake_failures_total "}) {
            assertTrue(r.body().contains("\n" + series), () -> series + " missing from /metrics:\n" + r.body());
        }
    }

    @Test
    void healthAndReadinessAnswerWithoutAServedHostName() throws Exception {
        InetSocketAddress http = gateway.http();
        assertEquals(200, PlainHttp.get(http, "/healthz", "monitor.internal").status());
        assertEquals(200, PlainHttp.get(http, "/readyz", "monitor.internal").status());
        assertEquals(403, PlainHttp.get(http, "/metrics", "monitor.internal").status());
    }
}
