package io.cometgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Block-wise encoding of a composite batch is exactly the JDK's encoding of the whole. */
class Base64BatchesTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 13, Base64Batches.BLOCK - 1, Base64Batches.BLOCK, Base64Batches.BLOCK + 1,
            Base64Batches.BLOCK + 2, 3 * Base64Batches.BLOCK + 7, 128 * 1024 + 13})
    void aBatchOfAnySizeEncodesAsTheJdkEncodesIt(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        CompositeByteBuf batch = Unpooled.compositeBuffer();
        for (int at = 0; at < size; at += 7_777) { // components that cut across blocks
            batch.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, at, Math.min(7_777, size - at)));
        }
        ByteBuf text = Base64Batches.encode(batch);
        try {
            assertEquals(0, batch.refCnt(), "the batch is released");
            assertEquals(Base64.getEncoder().encodeToString(bytes), text.toString(StandardCharsets.US_ASCII));
        } finally {
            text.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, Base64Batches.BLOCK + 2})
    void theFramingAroundABatchIsInTheSameBuffer(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        ByteBuf text = Base64Batches.encode(Unpooled.wrappedBuffer(bytes),
                "<script>p(\"".getBytes(StandardCharsets.US_ASCII), "\")</script>\n".getBytes(StandardCharsets.US_ASCII));
        try {
            assertEquals(1, text.nioBufferCount(), "one buffer, not a composite");
            assertEquals("<script>p(\"" + Base64.getEncoder().encodeToString(bytes) + "\")</script>\n",
                    text.toString(StandardCharsets.US_ASCII));
        } finally {
            text.release();
        }
    }
}
