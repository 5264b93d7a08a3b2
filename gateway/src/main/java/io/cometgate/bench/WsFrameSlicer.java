package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

import java.util.List;

/**
 * The load tool's WebSocket frame decoder for what a server sends (unmasked frames). Netty's
 * decoder copies every payload twice (into its cumulation, then into a fresh buffer); JFR
 * showed those copies as the client's hottest frames in bulk, and the TCP baselines' client
 * copies nothing. Here the cumulation is a composite and each payload a retained slice of it.
 */
final class WsFrameSlicer extends ByteToMessageDecoder implements WebSocketFrameDecoder {

    private final int maxPayload;

    WsFrameSlicer(int maxPayload) {
        this.maxPayload = maxPayload;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int first = in.getUnsignedByte(start);
            int second = in.getUnsignedByte(start + 1);
            if ((second & 0x80) != 0) {
                throw corrupt(in, "a server must not mask its frames");
            }
            int header = 2;
            long length = second & 0x7f;
            if (length == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            if (length < 0 || length > maxPayload) {
                throw corrupt(in, "a " + length + "-byte WebSocket frame: over " + maxPayload);
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            in.skipBytes(header);
            ByteBuf payload = in.readRetainedSlice((int) length);
            boolean fin = (first & 0x80) != 0;
            out.add(switch (first & 0x0f) {
                case 0x0 -> new ContinuationWebSocketFrame(fin, 0, payload);
                case 0x1 -> new TextWebSocketFrame(fin, 0, payload);
                case 0x2 -> new BinaryWebSocketFrame(fin, 0, payload);
                case 0x8 -> new CloseWebSocketFrame(true, 0, payload);
                case 0x9 -> new PingWebSocketFrame(payload);
                case 0xA -> new PongWebSocketFrame(payload);
                default -> {
                    payload.release();
                    throw corrupt(in, "unknown WebSocket opcode " + (first & 0x0f));
                }
            });
        }
    }

    /** Nothing after a corrupt header can be framed: drop it all, so closing does not decode it again. */
    private static CorruptedFrameException corrupt(ByteBuf in, String message) {
        in.skipBytes(in.readableBytes());
        return new CorruptedFrameException(message);
    }
}
