package io.cometgate.hostile;

import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 4, server side: the client declares an htmlfile forever-frame dead after 10 s of
 * silence (Chromium never reports its reset), so an idle frame must hear a HEARTBEAT well inside
 * that even with the default 25 s heartbeat: at least every 2 s plus one check (1 s).
 */
@Timeout(60)
class HtmlFileHeartbeatIT {

    private static final Pattern SESSION = Pattern.compile("\"session\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void anIdleForeverFrameHearsAHeartbeatAtLeastEveryThreeSecondsWithTheDefaultHeartbeat() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture()) {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            String id;
            try (Socket socket = new Socket(loopback, gateway.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /cometgate/session HTTP/1.1\r\nHost: " + gateway.hostPort()
                        + "\r\nOrigin: " + TestDecider.ORIGIN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                Matcher m = SESSION.matcher(answer);
                assertTrue(m.find(), answer);
                id = m.group(1);
            }
            try (Socket socket = new Socket(loopback, gateway.port())) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /cometgate/htmlfile?s=" + id + "&ack=0 HTTP/1.1\r\nHost: " + gateway.hostPort()
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                List<Long> chunks = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                byte[] buffer = new byte[4096];
                long start = System.nanoTime();
                // HELLO, then at least two heartbeats within 8 s of idleness (the old code: none for 25 s).
                while (chunks.size() < 3 && System.nanoTime() - start < 8_000_000_000L) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (java.net.SocketTimeoutException e) {
                        break;
                    }
                    if (n < 0) {
                        break;
                    }
                    text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    int at;
                    while ((at = text.indexOf("<script>p(")) >= 0) {
                        chunks.add(System.nanoTime());
                        text.delete(0, at + 10);
                    }
                }
                assertTrue(chunks.size() >= 3, "an idle forever-frame heard " + chunks.size()
                        + " chunks (HELLO included) in 8 s: the client gives up after 10 s of silence");
                for (int i = 1; i < chunks.size(); i++) {
                    long gapMillis = (chunks.get(i) - chunks.get(i - 1)) / 1_000_000;
                    assertTrue(gapMillis < 3_500, "a " + gapMillis + " ms gap between heartbeats");
                }
            }
        }
    }
}
