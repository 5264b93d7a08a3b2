package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.Session;
import io.cometgate.testing.EmbeddedSessions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How much one downstream WebSocket message gathers when 1.5 MiB of DATA waits: near
 * {@code maxMessage} for a client that did not say more (as before {@code maxBatch}), up to
 * its {@code maxBatch} and never a byte past it for one that did.
 */
class WebSocketBatchesTest {

    private static final int FRAME_PAYLOAD = 64 * 1024;
    private static final int FRAME_BYTES = FRAME_PAYLOAD + FrameCodec.HEADER_BYTES;
    private static final int FRAMES = 24;
    /** A bound above what waits, so the session keeps all of it (the close limit is twice the bound). */
    private final GatewayConfig config = GatewayConfig.defaults().withSizes(128 * 1024, 128 * 1024, 4 * 1024 * 1024, 1024 * 1024);
    private final EmbeddedSessions sessions = new EmbeddedSessions(config);
    private final EmbeddedChannel ws = new EmbeddedChannel();
    private Session session;

    @AfterEach
    void tearDown() {
        session.close(CloseCode.NORMAL, "test over");
        ws.runPendingTasks();
        drain();
        assertFalse(ws.finishAndReleaseAll());
    }

    /** The sizes of the messages that carry 1.5 MiB of DATA, checking that every byte arrives once, in order. */
    private List<Integer> messagesCarryingWaitingData(int batchLimit) throws Exception {
        session = sessions.create(ws);
        WebSocketReceiver receiver = new WebSocketReceiver(ws, session, new LongAdder(), batchLimit);
        ws.pipeline().addLast(receiver);
        receiver.start();
        session.attach(receiver, 0);
        ws.runPendingTasks();
        drain(); // the HELLO
        for (int i = 0; i < FRAMES; i++) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[FRAME_PAYLOAD]));
        }
        ws.runPendingTasks();
        List<Integer> sizes = new ArrayList<>();
        long expectedSeq = -1;
        for (Object out; (out = ws.readOutbound()) != null; ) {
            BinaryWebSocketFrame message = (BinaryWebSocketFrame) out;
            try {
                sizes.add(message.content().readableBytes());
                List<Frame> frames = FrameCodec.decodeBatch(message.content(), FRAME_PAYLOAD);
                try {
                    for (Frame frame : frames) {
                        assertEquals(FrameType.DATA, frame.type());
                        if (expectedSeq >= 0) {
                            assertEquals(expectedSeq, frame.seq(), "in order, none twice");
                        }
                        expectedSeq = frame.seq() + 1;
                    }
                } finally {
                    Frame.releaseAll(frames);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
        assertEquals((long) FRAMES * FRAME_BYTES, sizes.stream().mapToLong(Integer::longValue).sum(), "all of it, once");
        return sizes;
    }

    private void drain() {
        for (Object out; (out = ws.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
        }
    }

    @Test
    void aClientThatAskedForLargeBatchesGetsMessagesUpToItsLimitAndNeverPast() throws Exception {
        int limit = BatchLimit.parse("300000", config); // room for four whole frames, not five
        List<Integer> sizes = messagesCarryingWaitingData(limit);
        assertTrue(sizes.stream().allMatch(size -> size <= limit), "never past the limit: " + sizes);
        assertEquals(4 * FRAME_BYTES, (int) sizes.get(0), "as many whole frames as fit: " + sizes);
        assertEquals(FRAMES / 4, sizes.size(), sizes.toString());
    }

    @Test
    void aClientThatAskedForMoreThanTheMaxWindowGetsMessagesOfAtMostTheMaxWindow() throws Exception {
        List<Integer> sizes = messagesCarryingWaitingData(BatchLimit.parse("16777216", config));
        assertTrue(sizes.stream().allMatch(size -> size <= config.maxWindow()), sizes.toString());
        assertEquals(15 * FRAME_BYTES, (int) sizes.get(0), "1 MiB holds 15 whole frames and their headers: " + sizes);
    }

    @Test
    void aClientThatDidNotAskGetsBatchesNearMaxMessageAsBefore() throws Exception {
        List<Integer> sizes = messagesCarryingWaitingData(BatchLimit.NOT_ASKED);
        // Gathered while below 128 KiB: two whole frames, 26 bytes past maxMessage, as every
        // gateway before maxBatch sent them (docs/PROTOCOL.md says so).
        assertTrue(sizes.stream().allMatch(size -> size == 2 * FRAME_BYTES), sizes.toString());
    }
}
