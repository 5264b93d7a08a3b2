package io.cometgate.client;

import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * The client's retransmit buffer: every sequenced frame it sends, numbered, kept until the
 * gateway acknowledges it. {@link #rewind()} makes the next batch start again right after
 * the acknowledged ones (after a failed POST or a new WebSocket). Guarded by the session.
 */
final class UpstreamQueue {

    private record Pending(long seq, byte[] frame) {
    }

    private final ArrayDeque<Pending> unacked = new ArrayDeque<>();
    private long unackedBytes;
    private long ackedBytes;
    private long nextSeq = 1;
    private long acked;
    private long sentUpTo;

    /** Numbers and queues one frame; returns its sequence number. */
    long add(FrameType type, int channel, byte[] payload, int offset, int length) {
        long seq = nextSeq++;
        Pending pending = new Pending(seq, ClientFrames.encode(type, channel, seq, payload, offset, length));
        unacked.add(pending);
        unackedBytes += pending.frame().length;
        return seq;
    }

    void acknowledge(long ack) throws ProtocolException {
        if (ack >= nextSeq) {
            throw new ProtocolException("ack " + ack + " for a frame never sent (last is " + (nextSeq - 1) + ")");
        }
        while (!unacked.isEmpty() && unacked.peekFirst().seq() <= ack) {
            int length = unacked.pollFirst().frame().length;
            unackedBytes -= length;
            ackedBytes += length;
        }
        acked = Math.max(acked, ack);
        sentUpTo = Math.max(sentUpTo, acked);
    }

    long acked() {
        return acked;
    }

    /** Whether every queued frame has been acknowledged. */
    boolean allAcknowledged() {
        return unacked.isEmpty();
    }

    /** Whether frames went out that the gateway has not acknowledged yet (an answer is due). */
    boolean sentUnacknowledged() {
        return sentUpTo > acked;
    }

    /** Every byte of frames the gateway has acknowledged so far (the uplink's rate is read from it). */
    long ackedBytes() {
        return ackedBytes;
    }

    long unackedBytes() {
        return unackedBytes;
    }

    void rewind() {
        sentUpTo = acked;
    }

    boolean hasUnsent() {
        return sentUpTo + 1 < nextSeq;
    }

    /**
     * The next batch: {@code lead} (an ACK, may be null) then unsent frames in order, at most
     * {@code maxBytes} (one frame always fits). Null when there is nothing to send.
     */
    byte[] nextBatch(byte[] lead, int maxBytes) {
        if (lead == null && !hasUnsent()) {
            return null;
        }
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        if (lead != null) {
            batch.writeBytes(lead);
        }
        for (Pending p : unacked) {
            if (p.seq() <= sentUpTo) {
                continue;
            }
            if (batch.size() > 0 && batch.size() + p.frame().length > maxBytes) {
                break;
            }
            batch.writeBytes(p.frame());
            sentUpTo = p.seq();
        }
        return batch.toByteArray();
    }
}
