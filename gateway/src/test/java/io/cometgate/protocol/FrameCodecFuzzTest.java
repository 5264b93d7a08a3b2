package io.cometgate.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzzing of the frame decoder, which parses every byte a client sends. Without
 * {@code JAZZER_FUZZ=1} it replays the saved corpus in FrameCodecFuzzTestInputs/ as a
 * regression test; with it, Jazzer explores.
 */
class FrameCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesDecodeToWellFormedFramesOrAProtocolErrorAndNothingLeaks(byte[] data) {
        ByteBuf batch = Unpooled.wrappedBuffer(data);
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 1024);
            long payloadBytes = 0;
            for (Frame frame : frames) {
                assertTrue(frame.payload().readableBytes() <= 1024);
                assertTrue(!frame.type().sequenced() || frame.seq() > 0, "sequenced frames are numbered");
                payloadBytes += frame.payload().readableBytes();
                frame.release();
            }
            assertEquals(data.length, payloadBytes + (long) FrameCodec.HEADER_BYTES * frames.size(),
                    "a batch decodes completely, with no byte left over or invented");
        } catch (ProtocolException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        } finally {
            assertEquals(1, batch.refCnt(), "the decoder retains nothing of a rejected or consumed batch");
            batch.release();
        }
    }
}
