package io.cometgate.session;

import io.cometgate.config.TransportKind;

/** The counters a session and its receivers bump; the metrics package implements it. */
public interface SessionMetrics {

    void sessionCreated();

    void sessionResumed();

    void frameRetransmitted();

    void receiverAttached(TransportKind kind);

    void receiverDetached(TransportKind kind);

    /** A connection was closed because a buffer for it could not be allocated under the direct-memory cap. */
    void directMemoryExhausted();
}
