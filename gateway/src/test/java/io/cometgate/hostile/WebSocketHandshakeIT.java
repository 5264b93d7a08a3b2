package io.cometgate.hostile;

import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.cometgate.policy.Limits;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A WebSocket handshake the gateway cannot complete gets an HTTP answer and leaves nothing behind. */
@Timeout(30)
class WebSocketHandshakeIT {

    @Test
    void aHandshakeWithoutSecWebSocketKeyAnswers400AndCreatesNoSession() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture();
             Socket socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /cometgate/ws HTTP/1.1\r\nHost: " + gateway.hostPort() + "\r\nOrigin: " + TestDecider.ORIGIN
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder read = new StringBuilder();
            byte[] buffer = new byte[1024];
            while (!read.toString().contains("Sec-WebSocket-Key") && !read.toString().contains("\r\n\r\n0")) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            String answer = read.toString();
            assertTrue(answer.startsWith("HTTP/1.1 400 "), "expected 400, got: " + answer);
            assertTrue(answer.contains("Sec-WebSocket-Key"), answer);
            assertEquals(0, gateway.server().context().registry().size(), "a session was left registered");
        }
    }

    /**
     * Issue 11 item 9: a browser cannot read the status of a refused handshake (it sees 1006,
     * "could not reach the gateway"), so a page over the session cap gets the handshake and then
     * close 4009 with the reason.
     */
    @Test
    void aWebSocketOverTheSessionCapOpensAndClosesWith4009AndTheReason() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture()) {
            Limits d = Limits.DEFAULT;
            gateway.decider.limits(new Limits(1, d.maxSessionsPerIp(), d.maxSessionsPerOrigin(), d.maxChannelsPerSession(),
                    d.opensPerIpPerMinute(), d.maxConnectionsPerTarget(), d.channelIdleTimeout(), d.channelMaxLifetime()));
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("ws://" + gateway.hostPort() + "/cometgate/ws");
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket holder = http.newWebSocketBuilder().header("Origin", TestDecider.ORIGIN)
                    .buildAsync(uri, closeListener(first)).get(10, TimeUnit.SECONDS);
            CompletableFuture<String> second = new CompletableFuture<>();
            http.newWebSocketBuilder().header("Origin", TestDecider.ORIGIN)
                    .buildAsync(uri, closeListener(second)).get(10, TimeUnit.SECONDS);
            String close = second.get(10, TimeUnit.SECONDS);
            assertTrue(close.startsWith("4009 limit reached: 1 sessions in the gateway"), close);
            assertEquals(1, gateway.server().context().registry().size(), "the refused page created a session");
            assertTrue(!first.isDone(), "the session under the cap was closed: " + (first.isDone() ? first.get() : ""));
            holder.abort();
        }
    }

    private static WebSocket.Listener closeListener(CompletableFuture<String> closed) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode + " " + reason);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
    }
}
