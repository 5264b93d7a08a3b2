package io.cometgate.hostile;

import io.cometgate.testing.DiscardBackend;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import io.cometgate.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that uploads and never acknowledges: every CREDIT frame the gateway sends back is
 * sequenced and kept until acknowledged, so without a bound on what a session keeps, such a
 * client grows the gateway's heap until the process dies.
 */
@Timeout(60)
class NeverAckingUploaderIT {

    private static final int BOUND = 4 * 1024;
    private static final int WINDOW = 16 * 1024;
    private static final long OFFERED = 16L * 1024 * 1024;

    private GatewayFixture gateway;
    private DiscardBackend backend;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture(config -> config.withSizes(128 * 1024, WINDOW, BOUND, 1024 * 1024));
        backend = new DiscardBackend();
        gateway.decider.allowPort(backend.port());
    }

    @AfterEach
    void stop() throws IOException {
        backend.close();
        gateway.close();
    }

    @Test
    void anUploaderThatNeverAcknowledgesRunsOutOfCreditUntilItAcknowledges() throws Exception {
        try (WsClient client = WsClient.connect(new InetSocketAddress("127.0.0.1", gateway.port()),
                gateway.hostPort(), TestDecider.ORIGIN)) {
            client.acking(false);
            client.open(1, backend.target());
            long credit = window(client.await(f -> f.type() == WsClient.OPENED, Duration.ofSeconds(10)));
            long uploaded = 0;
            byte[] chunk = new byte[4 * 1024];
            while (uploaded < OFFERED) {
                if (credit >= chunk.length) {
                    client.send(1, chunk);
                    credit -= chunk.length;
                    uploaded += chunk.length;
                    continue;
                }
                try {
                    credit += count(client.await(f -> f.type() == WsClient.CREDIT, Duration.ofSeconds(2)));
                } catch (SocketTimeoutException stalled) {
                    break;
                }
            }
            // The CREDIT frames the gateway keeps are bounded by BOUND (4 KiB: about 240 frames of
            // 17 bytes, each worth at most WINDOW): under 4 MiB of upload, not the 16 MiB offered.
            assertTrue(uploaded < 4L * 1024 * 1024, "the gateway kept granting credit to a client that never "
                    + "acknowledges: " + uploaded + " bytes uploaded");

            client.ackNow();
            long granted = count(client.await(f -> f.type() == WsClient.CREDIT, Duration.ofSeconds(5)));
            assertTrue(granted >= WINDOW / 8, "credit held back while the client lagged comes back in one grant: " + granted);
        }
    }

    private static long window(WsClient.Frame opened) {
        Matcher window = Pattern.compile("\"window\":(\\d+)").matcher(opened.text());
        assertTrue(window.find(), opened.text());
        return Long.parseLong(window.group(1));
    }

    private static long count(WsClient.Frame credit) {
        return ByteBuffer.wrap(credit.payload()).getInt() & 0xffffffffL;
    }
}
