package io.cometgate.session;

import java.security.SecureRandom;
import java.util.Base64;

/** Session ids: 128 random bits from SecureRandom, URL-safe; only a prefix ever reaches a log. */
public final class SessionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** What logs show of an id: enough to correlate lines, far too little to hijack. */
    public static String redact(String id) {
        return id == null ? "-" : id.substring(0, Math.min(6, id.length())) + "…";
    }

    /** Cheap syntactic check before any map lookup. */
    public static boolean wellFormed(String id) {
        if (id == null || id.length() != 22) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
