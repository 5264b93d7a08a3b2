package io.cometgate.websockify;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Bytes to WebSocket messages and back, per subprotocol. {@code binary} and none: binary
 * messages out; in, a binary message's bytes, or a text message's UTF-8 bytes (what websockify
 * 0.9+ forwards). {@code base64}: text messages of standard base64 out; in, any data message is
 * base64, decoded (websockify 0.8's rule). The JDK codec: intrinsified, and strict, so bad input
 * is refused rather than guessed at.
 */
final class MessageCodec {

    private final Subprotocol subprotocol;

    MessageCodec(Subprotocol subprotocol) {
        this.subprotocol = subprotocol;
    }

    /** Takes ownership of {@code data}. */
    WebSocketFrame encode(ByteBuf data) {
        if (subprotocol != Subprotocol.BASE64) {
            return new BinaryWebSocketFrame(data);
        }
        try {
            ByteBuffer encoded = Base64.getEncoder().encode(data.nioBuffer());
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(encoded));
        } finally {
            data.release();
        }
    }

    /**
     * The bytes a data message carries, retained for the caller (the frame is released by its
     * reader). Throws {@link IllegalArgumentException} for base64 that does not decode.
     */
    ByteBuf decode(WebSocketFrame frame) {
        ByteBuf content = frame.content();
        if (subprotocol != Subprotocol.BASE64) {
            return content.retain();
        }
        try {
            return Unpooled.wrappedBuffer(Base64.getDecoder().decode(content.nioBuffer()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base64 subprotocol: message is not valid base64");
        }
    }
}
