package io.cometgate.client;

import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.protocol.ProtocolJson;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's side of the frame format (docs/PROTOCOL.md, "Frames") over plain byte arrays,
 * so the client needs no Netty buffers and nothing it holds can leak.
 */
final class ClientFrames {

    static final int HEADER_BYTES = 13;

    /** The members of a flat JSON object (HELLO, OPENED) as text, read by the gateway's own Jackson reader. */
    static Map<String, String> jsonFields(String json) {
        Map<String, String> out = new HashMap<>();
        ProtocolJson.readObject(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** One decoded frame; the payload is a copy. */
    record InFrame(FrameType type, int channel, long seq, byte[] payload) {

        int code() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 0;
        }

        String reason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        long count() throws ProtocolException {
            if (payload.length != 4) {
                throw new ProtocolException(type + " payload must be 4 bytes, got " + payload.length);
            }
            return ByteBuffer.wrap(payload).getInt() & 0xFFFF_FFFFL;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private ClientFrames() {
    }

    static byte[] encode(FrameType type, int channel, long seq, byte[] payload, int offset, int length) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + length);
        frame.put((byte) type.code()).putInt(channel).putInt((int) seq).putInt(length).put(payload, offset, length);
        return frame.array();
    }

    static byte[] encode(FrameType type, int channel, long seq, byte[] payload) {
        return encode(type, channel, seq, payload, 0, payload.length);
    }

    static byte[] count(long count) {
        return ByteBuffer.allocate(4).putInt((int) count).array();
    }

    static byte[] code(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    }

    /** Decodes a whole batch; a malformed one is refused as a whole. */
    static List<InFrame> decode(byte[] batch, int maxPayload) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(batch);
        List<InFrame> frames = new ArrayList<>(4);
        while (in.hasRemaining()) {
            if (in.remaining() < HEADER_BYTES) {
                throw new ProtocolException("truncated frame header (" + in.remaining() + " bytes)");
            }
            int code = in.get() & 0xff;
            FrameType type = FrameType.of(code);
            if (type == null) {
                throw new ProtocolException("unknown frame type 0x" + Integer.toHexString(code));
            }
            int channel = in.getInt();
            long seq = in.getInt() & 0xFFFF_FFFFL;
            long length = in.getInt() & 0xFFFF_FFFFL;
            if (length > maxPayload || length > in.remaining()) {
                throw new ProtocolException(type + " frame of " + length + " bytes (limit " + maxPayload
                        + ", present " + in.remaining() + ")");
            }
            if (type.sequenced() && seq == 0) {
                throw new ProtocolException(type + " frame without a sequence number");
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            frames.add(new InFrame(type, channel, seq, payload));
        }
        return frames;
    }
}
