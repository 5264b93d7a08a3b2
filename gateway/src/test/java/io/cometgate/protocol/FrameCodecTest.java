package io.cometgate.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void aSmallPayloadIsCopiedBesideItsHeaderAndReleasedWhileALargeOneIsKeptAsIs() throws ProtocolException {
        ByteBuf small = Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8);
        ByteBuf smallFrame = FrameCodec.encode(ALLOC, FrameType.DATA, 1, 1, small);
        assertEquals(0, small.refCnt(), "the copied payload is released");
        assertEquals(1, smallFrame.nioBufferCount(), "one buffer, no composite");
        ByteBuf large = Unpooled.wrappedBuffer(new byte[FrameCodec.COPY_BELOW]);
        ByteBuf largeFrame = FrameCodec.encode(ALLOC, FrameType.DATA, 1, 2, large);
        assertEquals(1, large.refCnt(), "a large payload becomes part of the frame, uncopied");
        ByteBuf batch = Unpooled.wrappedBuffer(smallFrame, largeFrame);
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
            assertEquals("hi", frames.get(0).payload().toString(StandardCharsets.UTF_8));
            assertEquals(FrameCodec.COPY_BELOW, frames.get(1).payload().readableBytes());
            Frame.releaseAll(frames);
        } finally {
            batch.release();
        }
    }

    @Test
    void aBatchOfEveryKindOfFrameDecodesToWhatWasEncoded() throws ProtocolException {
        ByteBuf batch = Unpooled.wrappedBuffer(
                FrameCodec.encode(ALLOC, FrameType.DATA, 3, 7, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)),
                FrameCodec.encodeCode(ALLOC, FrameType.CLOSE, 3, 8, 4000, "bye"),
                FrameCodec.encodeCount(ALLOC, FrameType.ACK, 0, 0, 0xFFFF_FFFEL),
                FrameCodec.encodeSmall(ALLOC, FrameType.HEARTBEAT, 0, 0, new byte[0]));
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
            try {
                assertEquals(4, frames.size());
                assertEquals(FrameType.DATA, frames.get(0).type());
                assertEquals(3, frames.get(0).channel());
                assertEquals(7, frames.get(0).seq());
                assertEquals("hello", frames.get(0).payload().toString(StandardCharsets.UTF_8));
                assertEquals(4000, FrameCodec.closeCode(frames.get(1).payload()));
                assertEquals("bye", FrameCodec.closeReason(frames.get(1).payload()));
                assertEquals(0xFFFF_FFFEL, FrameCodec.count(frames.get(2)));
                assertEquals(0, frames.get(3).payload().readableBytes());
            } finally {
                Frame.releaseAll(frames);
            }
        } finally {
            batch.release();
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("truncated header", new byte[] {3, 0, 0, 0, 1}, "truncated frame header"),
                Arguments.of("unknown type", header(0x0F, 1, 1, 0), "unknown frame type 0xf"),
                Arguments.of("type zero", header(0x00, 1, 1, 0), "unknown frame type 0x0"),
                Arguments.of("payload over maxFrame", header(3, 1, 1, 65537), "exceeds 65536"),
                Arguments.of("payload longer than the batch", header(3, 1, 1, 10), "truncated DATA frame"),
                Arguments.of("sequenced frame without a number", withPayload(header(3, 1, 0, 1), 1), "without a sequence number"),
                Arguments.of("huge unsigned length", header(3, 1, 1, -1), "exceeds 65536"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBatchesAreRefusedWithAReasonAndRetainNothing(String what, byte[] bytes, String reason) {
        ByteBuf good = FrameCodec.encodeSmall(ALLOC, FrameType.DATA, 1, 1, new byte[] {1, 2});
        ByteBuf batch = Unpooled.wrappedBuffer(good, Unpooled.wrappedBuffer(bytes));
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decodeBatch(batch, 65536));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            assertEquals(1, batch.refCnt(), "a refused batch must not stay retained by its frames");
        } finally {
            batch.release();
        }
    }

    @Test
    void aCreditPayloadOfTheWrongSizeIsAProtocolError() throws ProtocolException {
        ByteBuf batch = FrameCodec.encodeSmall(ALLOC, FrameType.CREDIT, 1, 1, new byte[] {0, 1});
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
            try {
                assertThrows(ProtocolException.class, () -> FrameCodec.count(frames.get(0)));
            } finally {
                Frame.releaseAll(frames);
            }
        } finally {
            batch.release();
        }
    }

    private static byte[] header(int type, int channel, int seq, int length) {
        return java.nio.ByteBuffer.allocate(13).put((byte) type).putInt(channel).putInt(seq).putInt(length).array();
    }

    private static byte[] withPayload(byte[] header, int n) {
        byte[] out = java.util.Arrays.copyOf(header, header.length + n);
        return out;
    }
}
