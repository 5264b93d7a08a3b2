package io.cometgate.client;

/**
 * Overrides of the client's liveness deadlines (docs/PROTOCOL.md "Liveness"), as js-client's
 * session options; 0 keeps the value derived from HELLO. Tests that make hundreds of silent
 * faults shorten the answer deadline so each costs a second, not five.
 *
 * @param deadAfterMillis       a transport silent this long is replaced
 * @param ackTimeoutMillis      sent frames unacknowledged this long (plus 1 ms per 32 bytes): the transport is replaced
 * @param reattachTimeoutMillis one attempt to reattach a session that had a transport
 * @param probeAfterMillis      a downstream quiet this long while the client waits for it is probed
 * @param probeAnswerMillis     a probe unanswered on the downstream this long (plus 1 ms per 32 bytes outstanding): the transport is replaced
 */
public record LivenessOptions(long deadAfterMillis, long ackTimeoutMillis, long reattachTimeoutMillis,
                              long probeAfterMillis, long probeAnswerMillis) {

    public static final LivenessOptions DEFAULTS = new LivenessOptions(0, 0, 0, 0, 0);

    public LivenessOptions withAckTimeout(long millis) {
        return new LivenessOptions(deadAfterMillis, millis, reattachTimeoutMillis, probeAfterMillis, probeAnswerMillis);
    }

    public LivenessOptions withProbe(long afterMillis, long answerMillis) {
        return new LivenessOptions(deadAfterMillis, ackTimeoutMillis, reattachTimeoutMillis, afterMillis, answerMillis);
    }
}
