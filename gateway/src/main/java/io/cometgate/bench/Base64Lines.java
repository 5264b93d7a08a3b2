package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Base64;

/**
 * The load tool's base64 decoder for the text transports' lines. It shares the machine's cores
 * with the gateway it measures, so every cycle it wastes is taken from the gateway: the line
 * used to be copied into a fresh array, decoded into another fresh array (both zeroed, then
 * garbage: some 150 KB per 64 KiB batch) and wrapped. Now it goes through two per-thread
 * scratch arrays in fixed blocks into one pooled buffer; the JDK's decoder still checks every
 * character (a bad one throws). The block is a multiple of four characters, so the blocks'
 * decodings joined are the whole line's decoding; only the last block may carry padding.
 */
final class Base64Lines {

    private static final Base64.Decoder DECODER = Base64.getDecoder();
    static final int BLOCK = 16 * 1024;
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[][] {new byte[BLOCK], new byte[BLOCK / 4 * 3]};
        }
    };

    private Base64Lines() {
    }

    /** Decodes {@code text} (not released: the caller's); the result is a new buffer the caller owns. */
    static ByteBuf decode(ByteBuf text, ByteBufAllocator alloc) {
        int index = text.readerIndex();
        int end = index + text.readableBytes();
        ByteBuf out = alloc.buffer(text.readableBytes() / 4 * 3);
        try {
            byte[][] scratch = SCRATCH.get();
            // A full block is never the last one unless the line is a whole number of blocks,
            // and then it ends the line: a block with padding may only be the last.
            for (; end - index > BLOCK; index += BLOCK) {
                text.getBytes(index, scratch[0], 0, BLOCK);
                if (scratch[0][BLOCK - 1] == '=') {
                    throw new IllegalArgumentException("base64 padding inside a line, " + (index + BLOCK) + " characters in");
                }
                out.writeBytes(scratch[1], 0, DECODER.decode(scratch[0], scratch[1]));
            }
            byte[] tail = end - index == BLOCK ? scratch[0] : new byte[end - index]; // the JDK decodes whole arrays only
            text.getBytes(index, tail);
            out.writeBytes(scratch[1], 0, DECODER.decode(tail, scratch[1]));
            return out;
        } catch (RuntimeException | Error e) {
            out.release(); // the caller gets nothing, so nothing else would release it
            throw e;
        }
    }
}
