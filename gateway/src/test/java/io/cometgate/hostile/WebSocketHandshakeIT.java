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
}
