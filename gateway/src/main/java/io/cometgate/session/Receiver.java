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

    /**
     * The most bytes of frames one batch gathers (a batch takes at least one frame), given the
     * configured cap (--max-message, one WebSocket message). A poll pays a round trip per
     * answer, so it takes more.
     */
    default int maxBatchBytes(int configured) {
        return configured;
    }

    /**
     * The most bytes one batch may hold in all, where the client cannot read a larger message:
     * a batch gathers frames while below {@link #maxBatchBytes}, so without this it may pass
     * that cap by one frame. A WebSocket client that asked for large batches ({@code maxBatch})
     * says how large it reads; everything else reads a batch of any size.
     */
    default int batchLimit() {
        return Integer.MAX_VALUE;
    }

    /** Whether the connection can take another batch now without queueing in memory. */
    boolean isWritable();

    /*
     * How the session paces this receiver. Each receiver family answers for itself, so the
     * session never asks what kind of receiver it has: a stream or a WebSocket says yes to all
     * three; a poll, which answers one batch and is held until there is something worth
     * answering, says no to all three.
     */

    /** Whether the first batch after attaching leads with a HELLO (a poll's client has its HELLO from the create answer). */
    boolean greetsWithHello();

    /** Whether the session sends a HEARTBEAT when this receiver has been idle (a poll times out by itself instead). */
    boolean wantsIdleHeartbeats();

    /** Whether an ACK with nothing else is worth a delivery (a poll is not answered for that: POST answers carry acks). */
    boolean takesLoneAck();

    /** Ends this receiver: a newer one took over, or the session is over. */
    void end(boolean replaced);

    /**
     * Closes the connection at once, writing nothing more: what the session does when one of its
     * timers meets the direct-memory cap ({@link Session#allocationFailed}), where an orderly
     * {@link #end} would need yet another buffer.
     */
    void abort();

    /**
     * How long this receiver may go without hearing from the gateway when idle, given the
     * configured heartbeat: a transport whose client gives up sooner (htmlfile) asks for less.
     */
    default long heartbeatMillis(long configured) {
        return configured;
    }
}
