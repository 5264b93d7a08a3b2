package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.http.GatewayContext;
import io.cometgate.http.GatewayInitializer;
import io.cometgate.http.RequestInfo;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.Session;
import io.cometgate.testing.EmbeddedSessions;
import io.cometgate.testing.TestDecider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket handshake, driven with raw HTTP bytes through the real HTTP codec and
 * aggregator into the protocol endpoints, on an EmbeddedChannel that plays the browser's
 * connection. A refused handshake must stay plain HTTP and create no session.
 */
class WebSocketUpgradeTest {

    /** RFC 6455 section 1.3's example key and the accept value it must produce. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final String PATH = "/cometgate/" + TransportKind.WEBSOCKET.path();

    private final GatewayConfig config = GatewayConfig.defaults();
    private final EmbeddedSessions sessions = new EmbeddedSessions(config);
    private final EmbeddedChannel browser = new EmbeddedChannel();

    WebSocketUpgradeTest() {
        ProtocolEndpoints endpoints = new ProtocolEndpoints(
                new GatewayContext(config, sessions.decider, sessions.metrics, sessions.registry));
        browser.pipeline()
                .addLast(GatewayInitializer.HTTP_CODEC, new HttpServerCodec())
                .addLast(GatewayInitializer.AGGREGATOR, new HttpObjectAggregator(config.maxMessageBytes()))
                .addLast(GatewayInitializer.ROUTER, new RouterStandIn(endpoints, sessions.decider));
    }

    /** What the router does once Host is checked: hands the path under the prefix to the endpoints. */
    private static final class RouterStandIn extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ProtocolEndpoints endpoints;
        private final TestDecider decider;

        RouterStandIn(ProtocolEndpoints endpoints, TestDecider decider) {
            this.endpoints = endpoints;
            this.decider = decider;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String origin = req.headers().get(HttpHeaderNames.ORIGIN);
            RequestInfo info = new RequestInfo(origin, origin != null && decider.isOriginAllowed(origin),
                    InetAddress.getLoopbackAddress(), HttpUtil.isKeepAlive(req));
            String path = req.uri().substring("/cometgate/".length()).replaceFirst("\\?.*", "");
            endpoints.handle(ctx, req, path, info);
        }
    }

    @AfterEach
    void tearDown() {
        sessions.registry.closeAll(CloseCode.NORMAL, "test over");
        browser.runPendingTasks();
        browser.finishAndReleaseAll();
    }

    private static String handshake(String query, String... headers) {
        StringBuilder request = new StringBuilder("GET " + PATH + query + " HTTP/1.1\r\nHost: gw.test\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static String[] goodHeaders(String origin) {
        return new String[] {"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY,
            "Sec-WebSocket-Version: 13", "Origin: " + origin};
    }

    /** Sends a raw request, runs what it scheduled, returns every byte written back. */
    private byte[] exchange(String request) {
        browser.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        browser.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = browser.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes).release();
        return bytes;
    }

    private static String head(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    private static String status(byte[] response) {
        String head = head(response);
        return head.isEmpty() ? "(none)" : head.substring(0, head.indexOf("\r\n"));
    }

    /** The frames of the one unmasked binary WebSocket message after the HTTP head. */
    private static List<Frame> firstMessage(byte[] response) throws Exception {
        ByteBuf wire = Unpooled.wrappedBuffer(response);
        try {
            wire.skipBytes(head(response).length() + 4);
            assertEquals(0x82, wire.readUnsignedByte(), "a final binary frame");
            int length = wire.readUnsignedByte();
            length = length == 126 ? wire.readUnsignedShort() : length;
            return FrameCodec.decodeBatch(wire.readSlice(length), 1 << 20);
        } finally {
            wire.release();
        }
    }

    @Test
    void aGoodHandshakeIsAnswered101WithTheRfcAcceptThenANewSessionsHelloInABinaryMessage() throws Exception {
        byte[] response = exchange(handshake("", goodHeaders(TestDecider.ORIGIN)));
        assertEquals("HTTP/1.1 101 Switching Protocols", status(response));
        assertTrue(head(response).toLowerCase().contains("sec-websocket-accept: " + ACCEPT.toLowerCase()), head(response));
        List<Frame> frames = firstMessage(response);
        try {
            assertEquals(FrameType.HELLO, frames.get(0).type());
            assertEquals(1, sessions.registry.size(), "the upgrade created the session");
            String hello = frames.get(0).payload().toString(StandardCharsets.UTF_8);
            assertTrue(sessions.registry.find(sessionIdIn(hello)) != null, hello);
        } finally {
            Frame.releaseAll(frames);
        }
        assertNull(browser.pipeline().get(GatewayInitializer.ROUTER), "the router gave way");
        assertNull(browser.pipeline().get(GatewayInitializer.WS_AGGREGATOR), "the receiver puts fragments together itself");
        assertTrue(browser.pipeline().get(GatewayInitializer.WS_SESSION) instanceof WebSocketReceiver);
    }

    private static String sessionIdIn(String helloJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"session\":\"([^\"]+)\"").matcher(helloJson);
        assertTrue(m.find(), helloJson);
        return m.group(1);
    }

    @Test
    void anUpgradeForAnExistingSessionAttachesAndResendsWhatTheClientHasNotAcknowledged() throws Exception {
        Session session = sessions.create(browser);
        session.sendData(1, Unpooled.copiedBuffer("missed", StandardCharsets.UTF_8));
        browser.runPendingTasks();
        byte[] response = exchange(handshake("?s=" + session.id() + "&ack=0", goodHeaders(TestDecider.ORIGIN)));
        assertEquals("HTTP/1.1 101 Switching Protocols", status(response));
        List<Frame> frames = firstMessage(response);
        try {
            assertEquals(List.of(FrameType.HELLO, FrameType.DATA), frames.stream().map(Frame::type).toList());
            assertEquals("missed", frames.get(1).payload().toString(StandardCharsets.UTF_8));
        } finally {
            Frame.releaseAll(frames);
        }
        assertTrue(session.receiver() instanceof WebSocketReceiver);
        assertEquals(1, sessions.registry.size(), "no second session");
    }

    @Test
    void aMaxBatchThatIsNoByteCountOrSmallerThanOneFrameIsAnswered400WithTheReasonAndCreatesNoSession() {
        byte[] notACount = exchange(handshake("?maxBatch=lots", goodHeaders(TestDecider.ORIGIN)));
        assertEquals("HTTP/1.1 400 Bad Request", status(notACount));
        assertTrue(new String(notACount, StandardCharsets.UTF_8).contains("maxBatch must be a byte count"),
                new String(notACount, StandardCharsets.UTF_8));
        byte[] tooSmall = exchange(handshake("?maxBatch=1000", goodHeaders(TestDecider.ORIGIN)));
        assertEquals("HTTP/1.1 400 Bad Request", status(tooSmall));
        assertTrue(new String(tooSmall, StandardCharsets.UTF_8).contains("maxBatch must be at least 65549 bytes"),
                new String(tooSmall, StandardCharsets.UTF_8));
        assertEquals(0, sessions.registry.size(), "no session for a refused handshake");
    }

    @Test
    void anUnsupportedWebSocketVersionIsAnswered426NamingVersion13AndCreatesNoSession() {
        String request = handshake("", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY,
                "Sec-WebSocket-Version: 99", "Origin: " + TestDecider.ORIGIN);
        byte[] response = exchange(request);
        assertEquals("HTTP/1.1 426 Upgrade Required", status(response));
        assertTrue(head(response).toLowerCase().contains("sec-websocket-version: 13"), head(response));
        assertEquals(0, sessions.registry.size());
    }

    @Test
    void anOriginThePolicyRefusesIsAnswered403AndTheConnectionStaysHttp() {
        byte[] response = exchange(handshake("", goodHeaders("https://evil.test")));
        assertEquals("HTTP/1.1 403 Forbidden", status(response));
        assertEquals(0, sessions.registry.size(), "no session for a refused Origin");
        assertNotNull(browser.pipeline().get(GatewayInitializer.ROUTER), "not upgraded");
        assertNull(browser.pipeline().get(GatewayInitializer.WS_SESSION));
    }

    @Test
    void anotherOriginCannotTakeOverAnExistingSession() {
        Session session = sessions.create(browser);
        byte[] response = exchange(handshake("?s=" + session.id(), goodHeaders("https://other.test")));
        assertEquals("HTTP/1.1 403 Forbidden", status(response));
        assertNull(session.receiver());
        assertFalse(session.isClosed(), "the owner's session is untouched");
    }

    @Test
    void anUpgradeForAnUnknownSessionCompletesAndClosesWith4015SoThePageCanReadWhy() {
        Session held = sessions.create(browser);
        String unknown = (held.id().charAt(0) == 'A' ? "B" : "A") + held.id().substring(1); // well-formed, never issued
        byte[] response = exchange(handshake("?s=" + unknown, goodHeaders(TestDecider.ORIGIN)));
        assertEquals("HTTP/1.1 101 Switching Protocols", status(response), "a refused handshake shows a page only 1006");
        ByteBuf wire = Unpooled.wrappedBuffer(response);
        try {
            wire.skipBytes(head(response).length() + 4);
            assertEquals(0x88, wire.readUnsignedByte(), "a final close frame");
            wire.skipBytes(1); // its length
            assertEquals(CloseCode.SESSION_UNKNOWN.code(), wire.readUnsignedShort());
        } finally {
            wire.release();
        }
        assertEquals(1, sessions.registry.size(), "no session is created for it");
        assertNull(held.receiver(), "nor is another session attached");
    }

    @Test
    void aGetWithoutUpgradeHeaderIsAnswered400() {
        byte[] response = exchange(handshake("", "Origin: " + TestDecider.ORIGIN));
        assertEquals("HTTP/1.1 400 Bad Request", status(response));
        assertEquals(0, sessions.registry.size());
    }

    @Test
    void aHandshakeWithoutSecWebSocketKeyIsAnswered400BeforeAnySessionExists() {
        byte[] response = exchange(handshake("", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", "Origin: " + TestDecider.ORIGIN));
        assertEquals("HTTP/1.1 400 Bad Request", status(response));
        assertEquals(0, sessions.registry.size(), "no session is left behind by a handshake that cannot complete");
        assertNotNull(browser.pipeline().get(GatewayInitializer.ROUTER), "not upgraded");
    }
}
