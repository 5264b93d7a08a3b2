package io.cometgate.client;

import io.cometgate.config.TransportKind;

/**
 * The deadlines for one session on one transport, derived from HELLO's {@code heartbeatMs} and
 * {@code timeoutMs} exactly as js-client/src/liveness.js derives them (docs/PROTOCOL.md
 * "Liveness"), so the Java client notices a silent partition when a browser would.
 *
 * @param deadAfterMillis       silence after which the transport is replaced
 * @param ackTimeoutMillis      base of the answer deadline (sent frames, no ACK)
 * @param reattachTimeoutMillis one reattach attempt, once a transport has worked
 * @param giveUpAfterMillis     nothing heard this long: the gateway has dropped the session
 * @param probeAfterMillis      the downstream quiet this long while the client waits for it: a probe goes out
 * @param probeAnswerMillis     base of the probe deadline (the gateway answers a probe at once on the downstream)
 */
record LivenessPlan(long deadAfterMillis, long ackTimeoutMillis, long reattachTimeoutMillis, long giveUpAfterMillis,
                    long probeAfterMillis, long probeAnswerMillis) {

    /** What a reattach may take after a partition heals; partitions up to timeout minus this survive. */
    static final long PARTITION_MARGIN_MILLIS = 5_000;
    /** One attempt before any transport ever worked. */
    static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    /** htmlfile dies more quietly than the others (a reset forever-frame is never reported). */
    private static final long HTMLFILE_DEAD_AFTER_MILLIS = 10_000;
    private static final long HTMLFILE_ACK_TIMEOUT_MILLIS = 2_000;
    private static final long ACK_TIMEOUT_MILLIS = 5_000;
    private static final long REATTACH_TIMEOUT_MILLIS = 2_000;
    /**
     * Quiet this long while waiting (credit, an ACK, more of a transfer that was flowing): worth
     * a probe. Short, because a probe is one 13-byte frame each way and only a waiting client sends it.
     */
    private static final long PROBE_AFTER_MILLIS = 1_000;
    /** The gateway answers a probe at once: a round trip plus load, with room (htmlfile keeps its 2 s). */
    private static final long PROBE_ANSWER_MILLIS = 2_500;
    /** The gateway acknowledges at least every this many bytes received (docs/PROTOCOL.md "Reliable delivery"). */
    private static final long ACK_EVERY_BYTES = 32 * 1024;

    static LivenessPlan of(long heartbeatMillis, long timeoutMillis, TransportKind kind, LivenessOptions options) {
        // The gateway sends something on an idle stream at least once a heartbeat; the floor keeps
        // a 10% margin for timer slack. A long poll is answered on its own timer.
        long floor = longPolls(kind) ? heartbeatMillis + 1_000 : (heartbeatMillis * 11 + 9) / 10 + 1_000;
        long deadAfter = options.deadAfterMillis() > 0 ? options.deadAfterMillis()
                : Math.max(floor, Math.min(heartbeatMillis + 5_000, timeoutMillis - PARTITION_MARGIN_MILLIS));
        if (kind == TransportKind.HTMLFILE) {
            deadAfter = Math.min(deadAfter, HTMLFILE_DEAD_AFTER_MILLIS);
        }
        long ackTimeout = options.ackTimeoutMillis() > 0 ? options.ackTimeoutMillis()
                : kind == TransportKind.HTMLFILE ? HTMLFILE_ACK_TIMEOUT_MILLIS : ACK_TIMEOUT_MILLIS;
        long reattach = options.reattachTimeoutMillis() > 0 ? options.reattachTimeoutMillis() : REATTACH_TIMEOUT_MILLIS;
        long probeAfter = options.probeAfterMillis() > 0 ? options.probeAfterMillis() : PROBE_AFTER_MILLIS;
        long probeAnswer = options.probeAnswerMillis() > 0 ? options.probeAnswerMillis()
                : Math.min(PROBE_ANSWER_MILLIS, kind == TransportKind.HTMLFILE ? HTMLFILE_ACK_TIMEOUT_MILLIS : PROBE_ANSWER_MILLIS);
        return new LivenessPlan(deadAfter, ackTimeout, reattach, timeoutMillis + PARTITION_MARGIN_MILLIS, probeAfter, probeAnswer);
    }

    /** Whether the transport's downstream is a long poll (proven by its answer, not at once). */
    static boolean longPolls(TransportKind kind) {
        return kind == TransportKind.XHR_POLLING || kind == TransportKind.JSONP_POLLING;
    }

    /**
     * How long sent frames may go unacknowledged: a large batch takes a while over a slow uplink,
     * 1 ms per 32 bytes. Only one batch (at most {@code maxMessage}) and one ACK interval count,
     * not everything outstanding: the gateway acknowledges every 32 KiB it receives, so its ACK
     * advances once that much more has arrived. Counting a whole grown window (1 MiB: 33 s) left
     * a blackholed transport in place for that long (the chaos run's longest stalls).
     */
    long answerMillis(long unackedBytes, long maxMessage) {
        return answerMillis(unackedBytes, maxMessage, new UplinkRate(), new AnswerTime());
    }

    /**
     * As above, with the base scaled to the answer times this link has shown ({@link AnswerTime}:
     * at most the plan's, at least 1 s) and the backlog at the rate this uplink has shown
     * ({@link UplinkRate}), never slower than 1 ms per 32 bytes.
     */
    long answerMillis(long unackedBytes, long maxMessage, UplinkRate uplink, AnswerTime answers) {
        return answers.deadlineMillis(ackTimeoutMillis) + uplink.millisFor(Math.min(unackedBytes, maxMessage + ACK_EVERY_BYTES));
    }

    /**
     * How long a probe may go unanswered: it queues behind what is outstanding, but the gateway
     * acknowledges at least every 32 KiB it receives, and reads a batch (at most
     * {@code maxMessage}) whole, so something comes down once that much more has arrived: 1 ms
     * per 32 bytes of at most that, not of a whole grown window (1 MiB would be 33 s).
     */
    long probeAnswerMillis(long unackedBytes, long maxMessage) {
        return probeAnswerMillis(unackedBytes, maxMessage, new UplinkRate());
    }

    /**
     * As above, the backlog at the rate this uplink has shown ({@link UplinkRate}). The base is
     * not scaled to the ACKs' answer time: a probe's answer takes another path (on a long poll a
     * POST and then the held poll's answer), and scaled to the ACKs it replaced a healthy
     * xhr-polling transport at load 27 (DownstreamProbeIT).
     */
    long probeAnswerMillis(long unackedBytes, long maxMessage, UplinkRate uplink) {
        return probeAnswerMillis + uplink.millisFor(Math.min(unackedBytes, maxMessage + ACK_EVERY_BYTES));
    }
}
