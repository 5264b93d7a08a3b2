package io.cometgate.session;

import io.netty.buffer.ByteBuf;

/**
 * The downstream half of a transport, as a session sees it: a WebSocket, a streaming
 * response, or one pending poll. A session has at most one attached at a time. All calls
 * come from the session's event loop.
 */
public interface Receiver {

    /**
     * Sends one batch of encoded frames (ownership passes to the receiver).
     *
     * @param highestSeq the highest sequence number in the batch, 0 if it holds no sequenced frame
     * @return whether the receiver stays attached: a poll answers once, a stream ends after its byte budget
     */
    boolean deliver(ByteBuf batch, long highestSeq);

    /** Whether the connection can take another batch now without queueing in memory. */
    boolean isWritable();

    /**
     * A poll answers one batch and is held until there is something worth answering (a
     * sequenced frame); it gets no HELLO and no HEARTBEAT (it times out by itself instead).
     */
    boolean isPoll();

    /** Ends this receiver: a newer one took over, or the session is over. */
    void end(boolean replaced);
}
