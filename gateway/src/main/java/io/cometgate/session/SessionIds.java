package io.cometgate.session;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 128 random bits from SecureRandom, URL-safe, then a dot and the id of the node
 * that holds the session ({@code Xy3...Q.gw-2}), so a load balancer can send every request of a
 * session to its node (docs/SCALING.md). Only a prefix of the random part ever reaches a log.
 */
public final class SessionIds {

    static final int RANDOM_CHARS = 22;
    private static final int MAX_NODE_CHARS = 24;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    /** A fresh id on node {@code nodeId} (already validated: {@code [a-z0-9-]}). */
    public static String next(String nodeId) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes) + "." + nodeId;
    }

    /** What logs show of an id: enough to correlate lines, far too little to hijack. */
    public static String redact(String id) {
        return id == null ? "-" : id.substring(0, Math.min(6, id.length())) + "…";
    }

    /** The node part of a well-formed id, or {@code null} (an id from a gateway without node ids). */
    public static String nodeOf(String id) {
        return id != null && id.length() > RANDOM_CHARS + 1 && id.charAt(RANDOM_CHARS) == '.'
                ? id.substring(RANDOM_CHARS + 1) : null;
    }

    /** Cheap syntactic check before any map lookup. */
    public static boolean wellFormed(String id) {
        if (id == null || id.length() < RANDOM_CHARS || id.length() > RANDOM_CHARS + 1 + MAX_NODE_CHARS) {
            return false;
        }
        for (int i = 0; i < RANDOM_CHARS; i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        if (id.length() == RANDOM_CHARS) {
            return true;
        }
        if (id.charAt(RANDOM_CHARS) != '.' || id.length() == RANDOM_CHARS + 1) {
            return false;
        }
        for (int i = RANDOM_CHARS + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
