package io.cometgate.protocol;

/**
 * Receive-window auto-tuning for one direction of one channel (docs/PROTOCOL.md, "Growing
 * windows"), the rule HTTP/2 and QUIC stacks use: the receiver counts the bytes it hands back
 * as credit in epochs; when an epoch's bytes came faster than a full window per two round
 * trips, the window (not the bandwidth) was what limited the sender, so the window doubles, up
 * to its maximum and only as far as the session's {@link WindowBudget} has room. The growth
 * goes out as extra credit on the next grant, so the wire does not change: a peer only ever
 * sees larger CREDIT amounts. Windows never shrink below what was granted; a channel that ends
 * gives its growth back to the budget.
 *
 * <p>Time comes in as an argument (tests need no sleeping). Not thread-safe: one owner.
 */
public final class WindowTuner {

    private final long initial;
    private final long max;
    private final WindowBudget budget;
    private long window;
    private long consumed;
    private long epochStartConsumed;
    private long epochStartNanos;

    public WindowTuner(long initial, long max, WindowBudget budget, long nowNanos) {
        this.initial = initial;
        this.max = Math.max(initial, max);
        this.budget = budget;
        this.window = initial;
        this.epochStartNanos = nowNanos;
    }

    public long window() {
        return window;
    }

    /**
     * The receiver is about to grant {@code bytes} it consumed back to the sender.
     *
     * @param rttNanos the session's smoothed round trip, 0 while unknown (then nothing grows)
     * @return extra credit to add to this grant because the window grew (0 mostly)
     */
    public long consumed(long bytes, long nowNanos, long rttNanos) {
        consumed += bytes;
        long inEpoch = consumed - epochStartConsumed;
        if (inEpoch * 2 < window) {
            return 0; // too little seen to judge the speed
        }
        long growth = 0;
        long elapsed = nowNanos - epochStartNanos;
        // a full window in under two round trips <=> elapsed < 2 * rtt * inEpoch / window
        if (rttNanos > 0 && window < max && (double) elapsed * window < 2.0 * rttNanos * inEpoch) {
            growth = budget.reserve(Math.min(window, max - window));
            window += growth;
        }
        epochStartConsumed = consumed;
        epochStartNanos = nowNanos;
        return growth;
    }

    /** The channel ended: its growth goes back to the session's budget. */
    public void release() {
        budget.free(window - initial);
        window = initial;
    }
}
