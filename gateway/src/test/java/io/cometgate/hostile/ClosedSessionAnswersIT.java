package io.cometgate.hostile;

import io.cometgate.protocol.CloseCode;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed frames over {@code POST /send} answer 400 with the 4006 reason (docs/PROTOCOL.md),
 * and a closed session's reason answers the next request for it instead of a bare 404.
 */
@Timeout(60)
class ClosedSessionAnswersIT {

    private static final int OPEN = 1;
    private static final int OPENED = 2;
    private static final int DATA = 3;
    private static final int CLOSE = 4;
    private static final int CREDIT = 5;
    private static final int ACK = 6;
    private static final int HELLO = 9;

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static byte[] frame(int type, int channel, long seq, byte[] payload) {
        return ByteBuffer.allocate(13 + payload.length).put((byte) type).putInt(channel).putInt((int) seq)
                .putInt(payload.length).put(payload).array();
    }

    private static byte[] open(int channel, long seq) {
        return frame(OPEN, channel, seq, "{\"target\":\"127.0.0.1:9\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] batch(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    static Stream<Arguments> malformedBatches() {
        byte[] four = ByteBuffer.allocate(4).putInt(1024).array();
        return Stream.of(
                Arguments.of("a frame only the gateway sends", batch(frame(OPENED, 1, 1, new byte[0]))),
                Arguments.of("a HELLO from the client", batch(frame(HELLO, 0, 0, new byte[0]))),
                Arguments.of("a sequence gap", batch(open(1, 2))),
                Arguments.of("an ACK beyond what was sent", batch(frame(ACK, 0, 0, ByteBuffer.allocate(4).putInt(99).array()))),
                Arguments.of("a CREDIT payload of 3 bytes", batch(open(1, 1), frame(CREDIT, 1, 2, new byte[3]))),
                Arguments.of("a CLOSE without a code", batch(open(1, 1), frame(CLOSE, 1, 2, new byte[0]))),
                Arguments.of("DATA for a channel never opened", batch(frame(DATA, 5, 1, new byte[] {1}))),
                Arguments.of("CREDIT for a channel never opened", batch(frame(CREDIT, 7, 1, four))),
                Arguments.of("an even channel id", batch(open(2, 1))),
                Arguments.of("a reused channel id", batch(open(1, 1), open(1, 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBatches")
    void malformedFramesOverPostAnswer400With4006AndTheNextRequestHearsItToo(String what, byte[] batch) throws Exception {
        String id = newSessionId();
        String answer = post("send?s=" + id, batch);
        assertStatus(400, answer);
        assertTrue(answer.contains("4006"), what + ": " + answer);
        String poll = get("xhr-polling?s=" + id + "&ack=0");
        assertStatus(400, poll);
        assertTrue(poll.contains("4006"), "the closed session's reason answers the next request: " + poll);
    }

    @Test
    void aPollAfterADrainClosedTheSessionHears4010Not404() throws Exception {
        String id = newSessionId();
        gateway.server().context().registry().closeAll(CloseCode.GATEWAY_SHUTDOWN, "the gateway is shutting down");
        Thread.sleep(200);
        String poll = get("xhr-polling?s=" + id + "&ack=0");
        assertStatus(503, poll);
        assertTrue(poll.contains("4010"), poll);
        String send = post("send?s=" + id, new byte[0]);
        assertStatus(503, send);
    }

    @Test
    void aSessionNeverCreatedIsStill404() throws Exception {
        assertStatus(404, get("xhr-polling?s=AAAAAAAAAAAAAAAAAAAAAA&ack=0"));
    }

    // ---- raw HTTP --------------------------------------------------------------------------

    private String raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private String get(String pathAndQuery) throws IOException {
        return raw("GET /cometgate/" + pathAndQuery + " HTTP/1.1\nHost: " + gateway.hostPort() + "\nOrigin: "
                + TestDecider.ORIGIN + "\nConnection: close\n\n", new byte[0]);
    }

    private String post(String pathAndQuery, byte[] body) throws IOException {
        return raw("POST /cometgate/" + pathAndQuery + " HTTP/1.1\nHost: " + gateway.hostPort() + "\nOrigin: "
                + TestDecider.ORIGIN + "\nContent-Type: text/plain\nContent-Length: " + body.length
                + "\nConnection: close\n\n", body);
    }

    private String newSessionId() throws IOException {
        String answer = post("session", new byte[0]);
        Matcher id = Pattern.compile("\"session\":\"([A-Za-z0-9_-]+)\"").matcher(answer);
        assertTrue(id.find(), answer);
        return id.group(1);
    }

    private static void assertStatus(int status, String response) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), "expected " + status + ", got: "
                + response.substring(0, Math.min(300, response.length())));
    }
}
