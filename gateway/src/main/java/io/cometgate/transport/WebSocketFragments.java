package io.cometgate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * One binary WebSocket message arriving in fragments, put back together for
 * {@link WebSocketReceiver}; the frame decoder already enforces the RFC's fragment order
 * (no continuation outside a message, no new message inside one). It exists only while such
 * a message arrives: Netty's aggregator handler would cost every idle connection a handler
 * and a pipeline context, and browsers send each message as one frame anyway.
 */
final class WebSocketFragments {

    /** Past this many parts the composite consolidates, so tiny fragments cannot pile up objects. */
    private static final int MAX_COMPONENTS = 1024;

    private final CompositeByteBuf message;
    private final int maxBytes;

    WebSocketFragments(ByteBufAllocator alloc, int maxBytes) {
        this.message = alloc.compositeBuffer(MAX_COMPONENTS);
        this.maxBytes = maxBytes;
    }

    /**
     * Appends a fragment's content (retained: the caller still releases its frame). False,
     * keeping nothing of it, once the message would pass {@code maxBytes}.
     */
    boolean add(ByteBuf fragment) {
        if (fragment.readableBytes() > maxBytes - message.readableBytes()) {
            return false;
        }
        message.addComponent(true, fragment.retain());
        return true;
    }

    /** The message so far; the caller reads it before {@link #release}. */
    ByteBuf message() {
        return message;
    }

    void release() {
        message.release();
    }
}
