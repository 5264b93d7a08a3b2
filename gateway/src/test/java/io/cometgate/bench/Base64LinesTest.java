package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Block-wise decoding of a line held in pieces is exactly the JDK's decoding, and as strict. */
class Base64LinesTest {

    private static final int B = Base64Lines.BLOCK / 4 * 3; // the bytes one block decodes to

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 13, B - 1, B, B + 1, B + 2, 2 * B, 3 * B + 7, 64 * 1024, 128 * 1024 + 13})
    void aLineInPiecesDecodesAsTheJdkDecodesIt(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        byte[] text = Base64.getEncoder().encode(bytes);
        CompositeByteBuf line = Unpooled.compositeBuffer();
        for (int at = 0; at < text.length; at += 5_555) { // pieces that cut across blocks, as reads do
            line.addComponent(true, Unpooled.directBuffer().writeBytes(text, at, Math.min(5_555, text.length - at)));
        }
        ByteBuf out = Base64Lines.decode(line, ByteBufAllocator.DEFAULT);
        try {
            byte[] decoded = new byte[out.readableBytes()];
            out.getBytes(out.readerIndex(), decoded);
            assertArrayEquals(bytes, decoded);
        } finally {
            out.release();
            line.release();
        }
    }

    @Test
    void aBadCharacterAnywhereIsRefused() {
        for (int at : new int[] {0, Base64Lines.BLOCK - 1, Base64Lines.BLOCK, 2 * Base64Lines.BLOCK + 5}) {
            byte[] text = Base64.getEncoder().encode(new byte[3 * B]);
            text[at] = '*';
            assertThrows(IllegalArgumentException.class, () -> Base64Lines.decode(Unpooled.wrappedBuffer(text), ByteBufAllocator.DEFAULT),
                    "a '*' at " + at);
        }
    }

    @Test
    void paddingAtABlockBoundaryInsideTheLineIsRefused() {
        // Two encodings joined: "...==" ends exactly at the first block, more text follows.
        String first = Base64.getEncoder().encodeToString(new byte[B - 1]);
        String line = first + Base64.getEncoder().encodeToString(new byte[30]);
        ByteBuf text = Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> Base64Lines.decode(text, ByteBufAllocator.DEFAULT));
    }
}
