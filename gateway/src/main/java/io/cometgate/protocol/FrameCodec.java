package io.cometgate.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes protocol v1 frames: a 13-byte header then the payload. */
public final class FrameCodec {

    public static final int HEADER_BYTES = 13;

    private FrameCodec() {
    }

    /**
     * Payloads up to this size are copied next to their header: one small buffer is cheaper to
     * keep (a frame waits in the retransmit buffer until acknowledged, an idle session's last
     * frames indefinitely) and to write than a composite of two with its slice and components.
     */
    static final int COPY_BELOW = 1024;

    /** Encodes one frame. Takes ownership of {@code payload} (it becomes part of the result, or is copied and released). */
    public static ByteBuf encode(ByteBufAllocator alloc, FrameType type, int channel, long seq, ByteBuf payload) {
        int length = payload.readableBytes();
        if (length < COPY_BELOW) {
            ByteBuf frame = alloc.buffer(HEADER_BYTES + length);
            writeHeader(frame, type, channel, seq, length);
            try {
                return frame.writeBytes(payload);
            } finally {
                payload.release();
            }
        }
        ByteBuf header = alloc.buffer(HEADER_BYTES);
        writeHeader(header, type, channel, seq, length);
        return Unpooled.wrappedBuffer(header, payload);
    }

    /** Encodes a frame whose payload is small enough to copy next to its header. */
    public static ByteBuf encodeSmall(ByteBufAllocator alloc, FrameType type, int channel, long seq, byte[] payload) {
        ByteBuf frame = alloc.buffer(HEADER_BYTES + payload.length);
        writeHeader(frame, type, channel, seq, payload.length);
        return frame.writeBytes(payload);
    }

    public static ByteBuf encodeCode(ByteBufAllocator alloc, FrameType type, int channel, long seq,
                                     int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = alloc.buffer(HEADER_BYTES + 2 + text.length);
        writeHeader(frame, type, channel, seq, 2 + text.length);
        return frame.writeShort(code).writeBytes(text);
    }

    public static ByteBuf encodeCount(ByteBufAllocator alloc, FrameType type, int channel, long seq, long count) {
        ByteBuf frame = alloc.buffer(HEADER_BYTES + 4);
        writeHeader(frame, type, channel, seq, 4);
        return frame.writeInt((int) count);
    }

    private static void writeHeader(ByteBuf out, FrameType type, int channel, long seq, int length) {
        out.writeByte(type.code()).writeInt(channel).writeInt((int) seq).writeInt(length);
    }

    /**
     * Decodes a whole batch. On success every returned frame holds a retained slice of
     * {@code batch}; on failure nothing is retained. The batch itself is not released.
     */
    public static List<Frame> decodeBatch(ByteBuf batch, int maxPayload) throws ProtocolException {
        List<Frame> frames = new ArrayList<>(4);
        try {
            while (batch.isReadable()) {
                frames.add(decodeOne(batch, maxPayload));
            }
        } catch (ProtocolException e) {
            Frame.releaseAll(frames);
            throw e;
        }
        return frames;
    }

    private static Frame decodeOne(ByteBuf in, int maxPayload) throws ProtocolException {
        if (in.readableBytes() < HEADER_BYTES) {
            throw new ProtocolException("truncated frame header (" + in.readableBytes() + " bytes)");
        }
        int code = in.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ProtocolException("unknown frame type 0x" + Integer.toHexString(code));
        }
        int channel = in.readInt();
        long seq = in.readUnsignedInt();
        long length = in.readUnsignedInt();
        if (length > maxPayload) {
            throw new ProtocolException(type + " payload of " + length + " bytes exceeds " + maxPayload);
        }
        if (length > in.readableBytes()) {
            throw new ProtocolException("truncated " + type + " frame: " + length + " bytes announced, "
                    + in.readableBytes() + " present");
        }
        if (type.sequenced() && seq == 0) {
            throw new ProtocolException(type + " frame without a sequence number");
        }
        return new Frame(type, channel, seq, in.readRetainedSlice((int) length));
    }

    /** Reads the 2-byte code of a CLOSE or SESSION_CLOSE payload. */
    public static int closeCode(ByteBuf payload) throws ProtocolException {
        if (payload.readableBytes() < 2) {
            throw new ProtocolException("close frame without a code");
        }
        return payload.getUnsignedShort(payload.readerIndex());
    }

    public static String closeReason(ByteBuf payload) {
        int start = payload.readerIndex() + 2;
        int length = Math.max(0, payload.writerIndex() - start);
        return payload.toString(start, length, StandardCharsets.UTF_8);
    }

    /** Reads the 4-byte count of a CREDIT or ACK payload. */
    public static long count(Frame frame) throws ProtocolException {
        if (frame.payload().readableBytes() != 4) {
            throw new ProtocolException(frame.type() + " payload must be 4 bytes");
        }
        return frame.payload().getUnsignedInt(frame.payload().readerIndex());
    }
}
