package io.cometgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Base64;

/**
 * Base64 for the text transports. A batch is a composite of many frames; reading it three
 * bytes at a time across components was the streaming transports' hottest path, so the batch
 * is flattened and encoded by the JDK's (intrinsified) encoder instead.
 *
 * <p>It is done in fixed blocks through two per-thread scratch arrays, and the text goes
 * straight into one pooled direct buffer: two fresh arrays per batch (zeroed, then garbage) and
 * the socket's heap-to-direct copy were the rest of the path's cost. The block is a multiple of
 * three bytes, so the blocks' encodings joined are the whole batch's encoding.
 */
final class Base64Batches {

    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    static final int BLOCK = 48 * 1024;
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[][] {new byte[BLOCK], new byte[BLOCK / 3 * 4]};
        }
    };

    private Base64Batches() {
    }

    private static final byte[] NOTHING = {};

    /** Encodes and releases {@code batch}; the result is a new buffer the caller owns. */
    static ByteBuf encode(ByteBuf batch) {
        return encode(batch, NOTHING, NOTHING);
    }

    /**
     * Encodes and releases {@code batch} between {@code head} and {@code tail}, all in one buffer
     * the caller owns: a streaming transport's framing around a batch used to be three buffers
     * (two small ones allocated per batch) in a composite, one more iovec each in every write.
     */
    static ByteBuf encode(ByteBuf batch, byte[] head, byte[] tail) {
        try {
            int length = batch.readableBytes();
            ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(head.length + 4 * ((length + 2) / 3) + tail.length);
            try {
                out.writeBytes(head);
                encodeInto(batch, batch.readerIndex(), batch.readerIndex() + length, out);
                out.writeBytes(tail);
                return out;
            } catch (RuntimeException | Error e) {
                out.release(); // the caller gets nothing, so nothing else would release it
                throw e;
            }
        } finally {
            batch.release();
        }
    }

    private static void encodeInto(ByteBuf batch, int index, int end, ByteBuf out) {
        byte[][] scratch = SCRATCH.get();
        for (; end - index >= BLOCK; index += BLOCK) {
            batch.getBytes(index, scratch[0], 0, BLOCK);
            int n = ENCODER.encode(scratch[0], scratch[1]);
            out.writeBytes(scratch[1], 0, n);
        }
        if (index < end) {
            byte[] tail = new byte[end - index]; // the JDK encodes whole arrays only
            batch.getBytes(index, tail);
            int n = ENCODER.encode(tail, scratch[1]);
            out.writeBytes(scratch[1], 0, n);
        }
    }
}
