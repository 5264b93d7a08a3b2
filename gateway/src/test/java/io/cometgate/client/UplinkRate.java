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
 * network) decays the estimate by a fifth per second it is not matched; a false death on the
 * way costs a reconnect and a resend, never data.
 */
final class UplinkRate {

    static final double FLOOR_BYTES_PER_MILLI = 32;
    static final int MARGIN = 4;
    static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final double DECAY_PER_SAMPLE = 0.8;

    private double bytesPerMilli = FLOOR_BYTES_PER_MILLI;
    private long sampleStart;
    private long ackedAtStart;

    /**
     * The running total of acknowledged upstream bytes at {@code nanos}; {@code waiting}:
     * frames are outstanding now. A second with nothing acknowledged and nothing outstanding
     * (an idle upstream) says nothing about the link and is skipped.
     */
    void observe(long ackedTotal, boolean waiting, long nanos) {
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
        if (acked > 0 || waiting) {
            double sample = acked / (elapsed / 1e6);
            bytesPerMilli = Math.max(FLOOR_BYTES_PER_MILLI, Math.max(sample, bytesPerMilli * DECAY_PER_SAMPLE));
        }
        sampleStart = nanos;
        ackedAtStart = ackedTotal;
    }

    double bytesPerMilli() {
        return bytesPerMilli;
    }

    /** The time {@code bytes} may take over this link: a quarter of its recent rate, at least 32 bytes per ms. */
    long millisFor(long bytes) {
        return (long) Math.ceil(bytes / Math.max(FLOOR_BYTES_PER_MILLI, bytesPerMilli / MARGIN));
    }
}
