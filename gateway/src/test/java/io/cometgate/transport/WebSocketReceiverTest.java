package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.Session;
import io.cometgate.testing.EmbeddedSessions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the WebSocket receiver answers what a browser must not send: a close frame with the RFC 6455 status. */
class WebSocketReceiverTest {

    private final EmbeddedChannel ws = new EmbeddedChannel();
    private final EmbeddedSessions sessions = new EmbeddedSessions(GatewayConfig.defaults());
    private final Session session = sessions.create(ws);
    private final WebSocketReceiver receiver = new WebSocketReceiver(ws, session);

    WebSocketReceiverTest() {
        ws.pipeline().addLast(receiver);
        receiver.start();
        session.attach(receiver, 0);
        ws.runPendingTasks();
        drainOutbound(); // the HELLO
    }

    @AfterEach
    void tearDown() {
        session.close(CloseCode.NORMAL, "test over");
        ws.runPendingTasks();
        drainOutbound();
        assertFalse(ws.finishAndReleaseAll());
    }

    private void drainOutbound() {
        for (Object out; (out = ws.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
        }
    }

    /** The next close frame written to the browser (other frames are skipped and released). */
    private CloseWebSocketFrame closeSent() {
        for (Object out; (out = ws.readOutbound()) != null; ) {
            if (out instanceof CloseWebSocketFrame close) {
                return close;
            }
            ReferenceCountUtil.release(out);
        }
        throw new AssertionError("no close frame was sent");
    }

    private void assertClosedWith(int status) {
        CloseWebSocketFrame close = closeSent();
        try {
            assertEquals(status, close.statusCode(), close.reasonText());
        } finally {
            close.release();
        }
    }

    @Test
    void aTextMessageIsAnsweredWithClose1003() {
        ws.writeInbound(new TextWebSocketFrame("hello"));
        assertClosedWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code());
    }

    @Test
    void aMessageOverTheLimitIsAnsweredWithClose1009() {
        ws.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        assertClosedWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
    }

    @Test
    void aCorruptFrameIsAnsweredWithItsStatus1002() {
        ws.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "bad mask"));
        assertClosedWith(WebSocketCloseStatus.PROTOCOL_ERROR.code());
    }

    @Test
    void aMalformedBatchClosesTheWebSocketWith1002AndTheSessionWith4006() {
        ws.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 1, 2})));
        ws.runPendingTasks();
        assertClosedWith(WebSocketCloseStatus.PROTOCOL_ERROR.code());
        assertTrue(session.isClosed());
    }

    @Test
    void aReceiverReplacedByANewerTransportClosesWith4014() {
        EmbeddedChannel newer = new EmbeddedChannel();
        WebSocketReceiver newerReceiver = new WebSocketReceiver(newer, session);
        session.attach(newerReceiver, 0);
        ws.runPendingTasks();
        assertClosedWith(CloseCode.SESSION_REPLACED.code());
        assertEquals(newerReceiver, session.receiver());
        session.close(CloseCode.NORMAL, "test over");
        newer.finishAndReleaseAll();
    }
}
