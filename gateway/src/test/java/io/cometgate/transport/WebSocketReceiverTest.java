package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.Session;
import io.cometgate.testing.EmbeddedSessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the WebSocket receiver answers what a browser must not send: a close frame with the RFC 6455 status. */
class WebSocketReceiverTest {

    private final HalfClosableChannel ws = new HalfClosableChannel();
    private final EmbeddedSessions sessions = new EmbeddedSessions(GatewayConfig.defaults());
    private final Session session = sessions.create(ws);
    private final WebSocketReceiver receiver = new WebSocketReceiver(ws, session, new java.util.concurrent.atomic.LongAdder(), BatchLimit.NOT_ASKED);

    /** An EmbeddedChannel that can half-close like a TCP socket, so the close linger runs as it does on one. */
    private static final class HalfClosableChannel extends EmbeddedChannel implements DuplexChannel {
        boolean outputShut;

        HalfClosableChannel() {
            freezeTime(); // the linger moves only with advanceTimeBy
        }

        @Override public boolean isInputShutdown() { return false; }
        @Override public ChannelFuture shutdownInput() { return newFailedFuture(new UnsupportedOperationException()); }
        @Override public ChannelFuture shutdownInput(ChannelPromise promise) { return promise.setFailure(new UnsupportedOperationException()); }
        @Override public boolean isOutputShutdown() { return outputShut; }
        @Override public ChannelFuture shutdownOutput() { return shutdownOutput(newPromise()); }
        @Override public ChannelFuture shutdownOutput(ChannelPromise promise) {
            outputShut = true;
            return promise.setSuccess();
        }
        @Override public boolean isShutdown() { return outputShut; }
        @Override public ChannelFuture shutdown() { return shutdownOutput(); }
        @Override public ChannelFuture shutdown(ChannelPromise promise) { return shutdownOutput(promise); }
    }

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
    void aBatchSentInThreeFragmentsIsHandledOnceTheLastOneArrives() {
        ByteBuf batch = FrameCodec.encodeSmall(ByteBufAllocator.DEFAULT, FrameType.SESSION_CLOSE, 0, 1, new byte[0]);
        int n = batch.readableBytes();
        ws.writeInbound(new BinaryWebSocketFrame(false, 0, batch.readRetainedSlice(3)));
        ws.writeInbound(new ContinuationWebSocketFrame(false, 0, batch.readRetainedSlice(n - 5)));
        ws.runPendingTasks();
        assertFalse(session.isClosed(), "nothing is decoded before the final fragment");
        ws.writeInbound(new ContinuationWebSocketFrame(true, 0, batch.readRetainedSlice(2)));
        batch.release();
        ws.runPendingTasks();
        assertTrue(session.isClosed(), "the reassembled SESSION_CLOSE reached the session");
    }

    @Test
    void fragmentsThatTogetherPassTheMessageLimitAreAnsweredWithClose1009() {
        int limit = GatewayConfig.defaults().maxMessageBytes();
        ws.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[limit - 10])));
        ws.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[11])));
        assertClosedWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
        ws.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[5])));
        ws.runPendingTasks();
        assertFalse(session.isClosed(), "the rest is discarded, not decoded");
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
        WebSocketReceiver newerReceiver = new WebSocketReceiver(newer, session, new java.util.concurrent.atomic.LongAdder(), BatchLimit.NOT_ASKED);
        session.attach(newerReceiver, 0);
        ws.runPendingTasks();
        assertClosedWith(CloseCode.SESSION_REPLACED.code());
        assertEquals(newerReceiver, session.receiver());
        session.close(CloseCode.NORMAL, "test over");
        newer.finishAndReleaseAll();
    }

    @Test
    void afterItsCloseFrameTheReceiverHalfClosesDiscardsWhatTheClientStillSendsAndClosesAfterTheLinger() {
        ws.writeInbound(new TextWebSocketFrame("hello"));
        assertClosedWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code());
        assertTrue(ws.outputShut, "half-closed: a reset now would destroy the close frame in flight");
        assertTrue(ws.isOpen(), "still reading, so the client's remaining bytes are not answered with a reset");
        ws.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 1, 2})));
        ws.runPendingTasks();
        assertFalse(session.isClosed(), "what arrives after the close frame is discarded unread");
        ws.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
        ws.runScheduledPendingTasks();
        assertTrue(ws.isOpen(), "not before the 2 s linger");
        ws.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ws.runScheduledPendingTasks();
        assertFalse(ws.isOpen());
    }
}
