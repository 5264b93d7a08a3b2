package io.cometgate.websockify;

import java.nio.charset.StandardCharsets;

/** A WebSocket close frame carries at most 123 bytes of UTF-8 reason (RFC 6455 5.5: 125 minus the code). */
final class CloseReasons {

    static final int MAX_BYTES = 123;

    private CloseReasons() {
    }

    /** {@code reason}, cut at a character boundary to fit, with "..." when cut. */
    static String fit(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return reason;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_BYTES - 3) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.append("...").toString();
    }
}
