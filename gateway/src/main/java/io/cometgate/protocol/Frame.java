package io.cometgate.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One decoded frame. The payload is a retained slice of the batch it came from: whoever
 * consumes the frame releases it (once).
 */
public record Frame(FrameType type, int channel, long seq, ByteBuf payload) {

    public void release() {
        payload.release();
    }

    /** Releases every frame's payload; for the error paths that drop a whole batch. */
    public static void releaseAll(Iterable<Frame> frames) {
        for (Frame frame : frames) {
            ReferenceCounted payload = frame.payload;
            if (payload.refCnt() > 0) {
                payload.release();
            }
        }
    }
}
