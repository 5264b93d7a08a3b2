package io.cometgate.policy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Correlation ids for the audit trail: one per channel, on its decision line and its closed
 * line, so {@code jq 'select(.correlation_id=="...")'} finds both. A per-process random prefix
 * plus a counter: unique across restarts and instances without coordination, cheap, and
 * unrelated to the session id (which is a secret and never logged).
 */
public final class CorrelationIds {

    private static final String PREFIX = prefix();
    private static final AtomicLong NEXT = new AtomicLong();

    private CorrelationIds() {
    }

    private static String prefix() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String next() {
        return format(nextNumber());
    }

    /**
     * The next id as its number, for a holder that keeps many ids a long time (a channel keeps
     * its id for its life): 8 bytes instead of a String; {@link #format} when it is logged.
     */
    public static long nextNumber() {
        return NEXT.incrementAndGet();
    }

    /** The id {@link #nextNumber} stands for, as {@link #next} would have returned it. */
    public static String format(long number) {
        return PREFIX + "-" + Long.toString(number, 36);
    }
}
