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
        return PREFIX + "-" + Long.toString(NEXT.incrementAndGet(), 36);
    }
}
