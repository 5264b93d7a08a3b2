package io.cometgate.client;

/**
 * How long this session's transports take to answer, smoothed as TCP smooths its round-trip
 * time (RFC 6298: the estimate moves an eighth of the way to each sample, its variation a
 * quarter), so the answer deadline is set by what this link shows, as
 * js-client/src/liveness.js {@code AnswerTime} does.
 *
 * <p>A sample is the time from when an answer became due (sequenced frames went out, or the
 * gateway's ACK last advanced while more were owed) to the ACK's next advance. The gateway
 * acknowledges at once (within 20 ms), so on a fast link that is milliseconds, and a fixed 5 s
 * (1 s in the chaos run) kept every blackholed transport that long. The deadline is the estimate
 * plus four variations, as TCP's retransmission timeout, never under {@link #FLOOR_MILLIS}
 * (scheduling and a collector's pause on a loaded machine; a false death costs a reconnect and
 * a resend, never data) and never over the plan's own deadline, which stands until a sample came.
 */
final class AnswerTime {

    /**
     * The shortest answer deadline however fast the link, TCP's minimum retransmission timeout
     * (RFC 6298): at 500 ms, healthy htmlfile and xhr-polling transports were replaced at load 27
     * on 2 cores (DownstreamProbeIT), where scheduling and collector pauses reach that long.
     */
    static final long FLOOR_MILLIS = 1_000;
    static final int VARIATIONS = 4;
    private static final double GAIN = 1.0 / 8;
    private static final double VARIATION_GAIN = 1.0 / 4;

    private double smoothedMillis = -1;
    private double variationMillis;

    void sample(double millis) {
        if (smoothedMillis < 0) {
            smoothedMillis = millis;
            variationMillis = millis / 2;
            return;
        }
        variationMillis += VARIATION_GAIN * (Math.abs(smoothedMillis - millis) - variationMillis);
        smoothedMillis += GAIN * (millis - smoothedMillis);
    }

    /** The base of the answer deadline: the estimate plus four variations, within [floor, {@code planMillis}]. */
    long deadlineMillis(long planMillis) {
        if (smoothedMillis < 0) {
            return planMillis;
        }
        long scaled = (long) Math.ceil(smoothedMillis + VARIATIONS * variationMillis);
        return Math.min(planMillis, Math.max(FLOOR_MILLIS, scaled));
    }
}
