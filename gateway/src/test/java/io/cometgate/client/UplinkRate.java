package io.cometgate.client;

import java.util.concurrent.TimeUnit;

/**
 * How fast the gateway has been acknowledging the upstream lately, so the answer and probe
 * deadlines allow a backlog the time this link needs, not the time a slow one would.
 *
 * <p>The deadlines used to allow 1 ms per 32 bytes outstanding (a 256 kbit/s uplink) on every
 * link: with a batch and an ACK interval outstanding (160 KiB) a blackholed transport was kept
 * about 5 s even on loopback, so every blackhole in the chaos run cost 4.9-5.4 s and two in a
 * row 10 s. Here the best rate seen recently counts, with a 4x margin, and never less than that
 * 32 bytes per ms floor, so a deadline is never longer than before. A rate that drops (a slower
 * network) pulls the estimate down a fifth per second it is not matched; a false death on the
 * way costs a reconnect and a resend, never data.
 *
 * <p>A second in which frames waited and <em>nothing</em> was acknowledged leaves the rate as it
 * is: such a link may be dead, not slower, and lowering the rate then lengthened the deadline
 * that was to find it (up to the floor's 5.1 s for 160 KiB, the chaos run's remaining stalls).
 * A link too slow to acknowledge anything in a second is instead found by the deaths it
 * causes: each transport that had proven itself and was then declared dead lowers the rate a
 * fifth ({@link #transportDied()}), so repeated false deaths end at the floor.
 */
final class UplinkRate {

    static final double FLOOR_BYTES_PER_MILLI = 32;
    static final int MARGIN = 4;
    static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A batch's size until the rate is known ({@link #batchLimit}): 1 s at the floor's 32 bytes per ms. */
    static final int SLOW_START_BATCH_BYTES = 32 * 1024;
    private static final double DECAY_PER_SAMPLE = 0.8;

    private double bytesPerMilli = FLOOR_BYTES_PER_MILLI;
    /** A second with something acknowledged has been sampled: the rate is this link's, not the floor's guess. */
    private boolean known;
    private long sampleStart;
    private long ackedAtStart;

    /**
     * The running total of acknowledged upstream bytes at {@code nanos}. A second with nothing
     * acknowledged says nothing about the link's rate and is skipped: the upstream was idle, or
     * the link is dead (which the answer deadline, not the rate, is there to find).
     */
    void observe(long ackedTotal, long nanos) {
        if (sampleStart == 0) {
            sampleStart = nanos;
            ackedAtStart = ackedTotal;
            return;
        }
        long elapsed = nanos - sampleStart;
        if (elapsed < SAMPLE_NANOS) {
            return;
        }
        long acked = ackedTotal - ackedAtStart;
        if (acked > 0) {
            known = true;
            double sample = acked / (elapsed / 1e6);
            bytesPerMilli = Math.max(FLOOR_BYTES_PER_MILLI, Math.max(sample, bytesPerMilli * DECAY_PER_SAMPLE));
        }
        sampleStart = nanos;
        ackedAtStart = ackedTotal;
    }

    /**
     * A transport that had proven itself was declared dead. Had the link merely slowed down, this
     * death was false: lower the rate a fifth so the next deadline allows more.
     */
    void transportDied() {
        bytesPerMilli = Math.max(FLOOR_BYTES_PER_MILLI, bytesPerMilli * DECAY_PER_SAMPLE);
    }

    /** Whether this link has shown a rate yet (until then deadlines allow the floor's 1 ms per 32 bytes). */
    boolean known() {
        return known;
    }

    /** The largest batch to send now: {@link #SLOW_START_BATCH_BYTES} until the rate is known, then {@code maxMessage}. */
    int batchLimit(int maxMessage) {
        return known ? maxMessage : Math.min(maxMessage, SLOW_START_BATCH_BYTES);
    }

    double bytesPerMilli() {
        return bytesPerMilli;
    }

    /** The time {@code bytes} may take over this link: a quarter of its recent rate, at least 32 bytes per ms. */
    long millisFor(long bytes) {
        return (long) Math.ceil(bytes / Math.max(FLOOR_BYTES_PER_MILLI, bytesPerMilli / MARGIN));
    }
}
