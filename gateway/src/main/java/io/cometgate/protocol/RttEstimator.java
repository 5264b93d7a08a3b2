package io.cometgate.protocol;

/**
 * A session's smoothed round trip, from its own sequenced frames: one frame at a time is
 * timed from the moment it is sent until the peer's cumulative ACK covers it, and samples are
 * smoothed as TCP does (7/8 old, 1/8 new). The peer's acknowledgement delay (docs/PROTOCOL.md:
 * at most 20 ms at the gateway, 200 ms at a client) is inside the sample, which errs toward
 * larger windows; {@link WindowTuner}'s maximum and the {@link WindowBudget} bound that.
 * Time comes in as an argument. Not thread-safe: one owner.
 */
public final class RttEstimator {

    private long probeSeq;
    private long probeSentNanos;
    private long smoothedNanos;

    /** A sequenced frame {@code seq} goes out now; it is timed unless another one still is. */
    public void sent(long seq, long nowNanos) {
        if (probeSeq == 0) {
            probeSeq = seq;
            probeSentNanos = nowNanos;
        }
    }

    /** The peer acknowledged everything up to {@code ack}. */
    public void acked(long ack, long nowNanos) {
        if (probeSeq == 0 || ack < probeSeq) {
            return;
        }
        long sample = Math.max(1, nowNanos - probeSentNanos);
        smoothedNanos = smoothedNanos == 0 ? sample : smoothedNanos - (smoothedNanos >> 3) + (sample >> 3);
        probeSeq = 0;
    }

    /** A resend makes the timed frame's sample meaningless (which copy was acknowledged?). */
    public void resent() {
        probeSeq = 0;
    }

    /** The smoothed round trip, 0 while no sample came in. */
    public long nanos() {
        return smoothedNanos;
    }
}
