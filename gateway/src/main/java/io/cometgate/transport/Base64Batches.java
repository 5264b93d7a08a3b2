package io.cometgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.Base64;

/**
 * Base64 for the text transports. A batch is a composite of many frames; reading it three
 * bytes at a time across components was the streaming transports' hottest path, so the
 * batch is flattened once and encoded by the JDK's (intrinsified) encoder instead.
 */
final class Base64Batches {

    private static final Base64.Encoder ENCODER = Base64.getEncoder();

    private Base64Batches() {
    }

    /** Encodes and releases {@code batch}; the result is a new buffer the caller owns. */
    static ByteBuf encode(ByteBuf batch) {
        byte[] raw;
        try {
            raw = ByteBufUtil.getBytes(batch);
        } finally {
            batch.release();
        }
        return Unpooled.wrappedBuffer(ENCODER.encode(raw));
    }
}
