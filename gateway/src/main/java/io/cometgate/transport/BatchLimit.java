package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.FrameCodec;

/**
 * A WebSocket client's {@code maxBatch=N}: the largest downstream message it reads. Without
 * it a batch stays near {@code maxMessage} (128 KiB), as for every client before the parameter;
 * with it the gateway gathers up to N bytes per message, but no more than a poll answer takes
 * ({@code --max-window}, 1 MiB by default), and never a byte past N.
 *
 * <p>Why clients ask: in bulk the gateway writes one message at a time, so 128 KiB batches
 * cost about six times the socket writes per MB of 1 MiB ones, and the client as many more
 * messages and acknowledgements (docs/BENCHMARKS.md, "Issue 13, session 13").
 */
final class BatchLimit {

    /** The client did not ask: the configured cap applies, as before the parameter. */
    static final int NOT_ASKED = 0;

    private BatchLimit() {
    }

    /**
     * @param text the parameter's value, {@code null} when absent
     * @return the limit for this connection, or {@link #NOT_ASKED}
     * @throws IllegalArgumentException with the reason a client should see (answered 400)
     */
    static int parse(String text, GatewayConfig config) {
        if (text == null) {
            return NOT_ASKED;
        }
        long asked;
        try {
            asked = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("maxBatch must be a byte count, not \"" + shorten(text) + "\"");
        }
        int oneFrame = config.maxFramePayload() + FrameCodec.HEADER_BYTES;
        if (asked < oneFrame) {
            throw new IllegalArgumentException("maxBatch must be at least " + oneFrame
                    + " bytes (one frame of maxFrame " + config.maxFramePayload() + " and its header)");
        }
        long most = Math.max(config.maxWindow(), config.maxMessageBytes());
        return (int) Math.min(asked, most);
    }

    private static String shorten(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "..." : text;
    }
}
