package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WsFrameSlicerTest {

    /** What a server puts on the wire (Netty's own encoder, unmasked). */
    private static ByteBuf serverWire(WebSocketFrame... frames) {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        server.writeOutbound((Object[]) frames);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf part;
        while ((part = server.readOutbound()) != null) {
            wire.writeBytes(part);
            part.release();
        }
        assertFalse(server.finishAndReleaseAll());
        return wire;
    }

    @Test
    void framesCutAnywhereComeOutWhole() {
        byte[] big = new byte[70_000]; // a 64-bit length field
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        ByteBuf wire = serverWire(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(big)),
                new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[300]))); // a 16-bit length field
        EmbeddedChannel client = new EmbeddedChannel(new WsFrameSlicer(1 << 20));
        while (wire.isReadable()) {
            client.writeInbound(wire.readRetainedSlice(Math.min(997, wire.readableBytes())));
        }
        wire.release();
        BinaryWebSocketFrame first = assertInstanceOf(BinaryWebSocketFrame.class, client.readInbound());
        byte[] got = new byte[first.content().readableBytes()];
        first.content().readBytes(got);
        assertArrayEquals(big, got);
        assertTrue(first.isFinalFragment());
        first.release();
        PingWebSocketFrame ping = assertInstanceOf(PingWebSocketFrame.class, client.readInbound());
        assertEquals(7, ping.content().getByte(0));
        ping.release();
        BinaryWebSocketFrame third = assertInstanceOf(BinaryWebSocketFrame.class, client.readInbound());
        assertEquals(300, third.content().readableBytes());
        third.release();
        assertFalse(client.finishAndReleaseAll());
    }

    @Test
    void aMaskedOrOversizedFrameIsRefused() {
        EmbeddedChannel masked = new EmbeddedChannel(new WsFrameSlicer(1 << 20));
        assertThrows(CorruptedFrameException.class,
                () -> masked.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5})));
        masked.finishAndReleaseAll();
        EmbeddedChannel oversized = new EmbeddedChannel(new WsFrameSlicer(100));
        assertThrows(CorruptedFrameException.class, () -> oversized.writeInbound(serverWire(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[101])))));
        oversized.finishAndReleaseAll();
    }
}
