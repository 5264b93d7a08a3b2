package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad requests get a clear error and hurt nobody else: after each one, a new session on the
 * same gateway still carries data.
 */
@Timeout(60)
class BadInputIT {

    private static final String EVIL = "https://evil.test";

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.withEcho();
    }

    @AfterEach
    void anotherSessionStillWorks() throws Exception {
        try {
            try (ClientSession session = CometClient.connect(gateway.uri(), TransportKind.XHR_POLLING, TestDecider.ORIGIN)) {
                Transfers.echoChecksummed(session.open(gateway.echo().target()), 100_000, 3, 30);
            }
        } finally {
            gateway.close();
        }
    }

    // ---- raw HTTP --------------------------------------------------------------------------

    private String raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the gateway may answer and close before reading everything (413)
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    response.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // reset after the answer: what arrived is what counts
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private String get(String pathAndQuery, String origin) throws IOException {
        return raw("GET /cometgate/" + pathAndQuery + " HTTP/1.1\nHost: " + gateway.hostPort() + "\n"
                + (origin == null ? "" : "Origin: " + origin + "\n") + "Connection: close\n\n", new byte[0]);
    }

    private String post(String pathAndQuery, String origin, byte[] body) throws IOException {
        return raw("POST /cometgate/" + pathAndQuery + " HTTP/1.1\nHost: " + gateway.hostPort() + "\nOrigin: " + origin
                + "\nContent-Type: text/plain\nContent-Length: " + body.length + "\nConnection: close\n\n", body);
    }

    private String newSessionId() throws IOException {
        String answer = post("session", TestDecider.ORIGIN, new byte[0]);
        Matcher id = Pattern.compile("\"session\":\"([A-Za-z0-9_.-]+)\"").matcher(answer);
        assertTrue(id.find(), answer);
        return id.group(1);
    }

    private static void assertStatus(int status, String response) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), "expected " + status + ", got: "
                + response.substring(0, Math.min(200, response.length())));
    }

    @Test
    void malformedFramesInAPostAreRefusedWith400() throws Exception {
        String id = newSessionId();
        assertStatus(400, post("send?s=" + id, TestDecider.ORIGIN, "not a frame".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aPostBodyOverTheLimitIsRefusedWith413() throws Exception {
        String id = newSessionId();
        assertStatus(413, post("send?s=" + id, TestDecider.ORIGIN, new byte[200 * 1024]));
    }

    @Test
    void aMalformedSessionIdIs404() throws Exception {
        // (a well-formed id this node does not hold gets close code 4015: UnknownSessionIT)
        assertStatus(404, get("xhr-polling?s=AAAAAAAAAAAAAAAAAAAAA!&ack=0", TestDecider.ORIGIN));
    }

    @Test
    void anotherOriginCannotUseASessionAnd403Says() throws Exception {
        String id = newSessionId();
        assertStatus(403, get("xhr-polling?s=" + id + "&ack=0", EVIL));
        assertStatus(403, post("send?s=" + id, EVIL, new byte[0]));
    }

    @Test
    void anOriginThePolicyDoesNotAllowCannotCreateASession() throws Exception {
        assertStatus(403, post("session", EVIL, new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void theClientReportsARefusedOriginAs403(TransportKind kind) {
        GatewayRefusedException refused = assertThrows(GatewayRefusedException.class,
                () -> CometClient.connect(gateway.uri(), kind, EVIL));
        assertEquals(403, refused.status(), refused.getMessage());
    }

    @Test
    void aForeignHostHeaderIsRefusedWith403() throws Exception {
        assertStatus(403, raw("POST /cometgate/session HTTP/1.1\nHost: rebind.evil.test\nOrigin: " + TestDecider.ORIGIN
                + "\nContent-Length: 0\nConnection: close\n\n", new byte[0]));
    }

    @Test
    void aJsonpCallbackThatIsNotAnIdentifierIsRefusedWith400() throws Exception {
        assertStatus(400, get("jsonp-polling?c=alert(1)//", TestDecider.ORIGIN));
        assertStatus(400, get("jsonp-polling?c=" + "a".repeat(33), TestDecider.ORIGIN));
    }

    // ---- WebSocket -------------------------------------------------------------------------

    /** Opens a raw session WebSocket, sends one message, returns the close code the gateway answers with. */
    private int webSocketCloseAfter(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        CompletableFuture<Void> hello = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", TestDecider.ORIGIN)
                .buildAsync(URI.create("ws://" + gateway.hostPort() + "/cometgate/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        hello.complete(null);
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        hello.get(10, TimeUnit.SECONDS);
        send.apply(ws).exceptionally(e -> ws);
        try {
            return closeCode.get(10, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    @Test
    void garbageFramesOnTheWebSocketCloseItWith1002() throws Exception {
        assertEquals(1002, webSocketCloseAfter(ws -> ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0xEE, 1, 2}), true)));
    }

    @Test
    void aTextMessageOnTheWebSocketClosesItWith1003() throws Exception {
        assertEquals(1003, webSocketCloseAfter(ws -> ws.sendText("hello", true)));
    }

    @Test
    void aWebSocketMessageOverTheLimitClosesItWith1009() throws Exception {
        // Two fragments that together pass 128 KiB: the gateway refuses on the last one, so no
        // unread bytes are left to turn its close into a reset before the close frame is read.
        assertEquals(1009, webSocketCloseAfter(ws -> ws.sendBinary(ByteBuffer.wrap(new byte[100 * 1024]), false)
                .thenCompose(w -> w.sendBinary(ByteBuffer.wrap(new byte[40 * 1024]), true))));
    }
}
