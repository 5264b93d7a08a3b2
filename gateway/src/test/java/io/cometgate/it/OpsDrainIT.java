package io.cometgate.it;

import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM with a channel open, as systemd or Kubernetes sends it: readiness fails at once,
 * liveness stays up, new sessions are refused, the open channel keeps working until the drain
 * deadline, then the client gets SESSION_CLOSE 4010 and the process exits 0.
 */
class OpsDrainIT {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsOpenChannelsThenClosesThemWith4010AndExitsZero() throws Exception {
        try (EchoBackend echo = new EchoBackend()) {
            Path policy = PolicyFile.write(dir.resolve("drain.policy"), HOST, ORIGIN,
                    "alias echo " + echo.target() + " allow-loopback");
            try (GatewayProcess gateway = GatewayProcess.withPolicy(policy, "--drain-timeout", "3s");
                 WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
                InetSocketAddress http = gateway.http();
                client.open(1, "echo");
                assertEquals(WsClient.OPENED, client.await(f -> f.channel() == 1, BOUND).type());
                assertEcho(client, "before");
                assertEquals(200, PlainHttp.get(http, "/readyz", HOST).status());

                gateway.terminate();
                awaitReadiness(http, 503);
                PlainHttp.Response live = PlainHttp.get(http, "/healthz", HOST);
                assertEquals(200, live.status(), "liveness stays up while draining");
                assertTrue(live.body().contains("draining"), live.body());
                // A browser cannot read the status of a refused handshake, so a new WebSocket is
                // refused after the handshake with close code 4010 (docs/PROTOCOL.md), not HTTP 503.
                IOException refused = assertThrows(IOException.class, () -> WsClient.connect(http, HOST, ORIGIN));
                assertTrue(refused.getMessage().contains("close code 4010"), refused.getMessage());
                assertEcho(client, "during the drain");

                WsClient.Frame close = client.await(f -> f.type() == WsClient.SESSION_CLOSE, BOUND);
                assertEquals(4010, close.closeCode(), close.closeReason());
                assertEquals(0, gateway.awaitExit(BOUND), gateway::output);
                // The output is read by another thread: wait for it rather than racing the exit.
                assertTrue(gateway.awaitOutput("SIGTERM: draining", BOUND), gateway::output);
                assertTrue(gateway.awaitOutput("code=4010", BOUND), gateway::output);
            }
        }
    }

    private static void assertEcho(WsClient client, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        client.send(1, sent);
        assertArrayEquals(sent, client.readData(1, sent.length, BOUND));
    }

    /** Readiness flips within a bound (the signal is handled asynchronously). */
    private static void awaitReadiness(InetSocketAddress http, int status) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        int seen;
        do {
            seen = PlainHttp.get(http, "/readyz", HOST).status();
            if (seen == status) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        assertEquals(status, seen, "/readyz after SIGTERM");
    }
}
