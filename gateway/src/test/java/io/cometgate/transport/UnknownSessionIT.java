package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request for a session this node does not hold (its node died or restarted, or the balancer
 * misrouted it) is answered with close code 4015 in a form every transport can show a page, so
 * the client starts a fresh session at once instead of retrying a session nobody holds.
 */
@Timeout(30)
class UnknownSessionIT {

    /** A session id minted by another node, {@code gw-9}; this gateway is node {@code local}. */
    private static final String FOREIGN = "AAAAAAAAAAAAAAAAAAAAAA.gw-9";
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{20,}={0,2}");

    private GatewayFixture gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.uri() + "/" + pathAndQuery))
                .header("Origin", TestDecider.ORIGIN).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
    }

    private record SessionClose(long seq, int code, String reason) { }

    /** The one frame in the answer's base64 batch, which must be a SESSION_CLOSE. */
    private static SessionClose sessionClose(String body) {
        Matcher m = BASE64.matcher(body);
        assertTrue(m.find(), "no base64 batch in: " + body);
        ByteBuffer frame = ByteBuffer.wrap(Base64.getDecoder().decode(m.group()));
        assertEquals(0x08, frame.get(), "frame type (SESSION_CLOSE)");
        assertEquals(0, frame.getInt(), "channel");
        long seq = Integer.toUnsignedLong(frame.getInt());
        int length = frame.getInt();
        assertEquals(length, frame.remaining(), "the batch holds exactly one frame");
        int code = Short.toUnsignedInt(frame.getShort());
        byte[] reason = new byte[frame.remaining()];
        frame.get(reason);
        return new SessionClose(seq, code, new String(reason, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = "WEBSOCKET", mode = EnumSource.Mode.EXCLUDE)
    void aDownstreamRequestForAnotherNodesSessionGetsSessionClose4015AsTheNextFrame(TransportKind kind) throws Exception {
        HttpResponse<String> answer = get(kind.path() + "?s=" + FOREIGN + "&ack=41&c=cb");
        assertEquals(200, answer.statusCode(), answer.body());
        SessionClose close = sessionClose(answer.body());
        assertEquals(42, close.seq(), "numbered ack + 1, so the client's in-order check passes it");
        assertEquals(4015, close.code());
        assertTrue(close.reason().contains("node gw-9") && close.reason().contains("node local")
                && close.reason().contains("start a fresh session"), close.reason());
    }

    @Test
    void theHtmlfileAnswerUsesTheForeverFramesOwnScriptFraming() throws Exception {
        String body = get("htmlfile?s=" + FOREIGN + "&ack=0").body();
        assertTrue(body.matches("(?s).*function p\\(d\\)\\{parent\\.postMessage\\(\\{cometgate:d},o\\)}.*<script>p\\(\"[A-Za-z0-9+/=]+\"\\)</script>.*"),
                body);
    }

    @Test
    void anUpstreamPostForAnUnknownSessionIs410WithTheCloseCode() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.uri() + "/send?s=" + FOREIGN))
                .header("Origin", TestDecider.ORIGIN).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(410, answer.statusCode());
        assertTrue(answer.body().contains("session-unknown (4015)"), answer.body());
    }

    @Test
    void aSessionThisNodeForgotIsAnswered4015NamingThisNode() throws Exception {
        HttpResponse<String> answer = get("xhr-polling?s=AAAAAAAAAAAAAAAAAAAAAA.local&ack=0");
        SessionClose close = sessionClose(answer.body());
        assertEquals(1, close.seq());
        assertEquals(4015, close.code());
        assertTrue(close.reason().startsWith("node local does not hold this session"), close.reason());
    }

    @Test
    void aMalformedSessionIdIsStillA404() throws Exception {
        assertEquals(404, get("xhr-polling?s=not-an-id&ack=0").statusCode());
    }

    @Test
    void aWebSocketForAnUnknownSessionOpensAndClosesWith4015() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        URI uri = URI.create("ws://" + gateway.hostPort() + "/cometgate/ws?s=" + FOREIGN + "&ack=0");
        http.newWebSocketBuilder().header("Origin", TestDecider.ORIGIN).buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode + " " + reason);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).get(10, TimeUnit.SECONDS);
        String close = closed.get(10, TimeUnit.SECONDS);
        assertTrue(close.startsWith("4015 the session belongs to node gw-9"), close);
    }

    @Test
    void everyUnknownSessionRequestIsCounted() throws Exception {
        get("xhr-polling?s=" + FOREIGN + "&ack=0");
        get("eventsource?s=" + FOREIGN + "&ack=0");
        assertEquals(2, gateway.server().context().metrics().unknownSessions.sum());
    }
}
