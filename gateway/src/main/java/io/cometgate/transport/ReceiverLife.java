package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.cometgate.session.SessionMetrics;

/**
 * The bookkeeping every receiver family repeated: attached once, ended exactly once, counted
 * both times (and a receiver that never attached is never counted as detached, so the gauge
 * cannot go negative). A field rather than a superclass because {@link WebSocketReceiver}
 * already extends a Netty handler. All calls come from the session's event loop.
 */
final class ReceiverLife {

    private final TransportKind kind;
    private final SessionMetrics metrics;
    private boolean attached;
    private boolean ended;

    ReceiverLife(TransportKind kind, Session session) {
        this.kind = kind;
        this.metrics = session.context().metrics();
    }

    void attached() {
        if (!attached && !ended) {
            attached = true;
            metrics.receiverAttached(kind);
        }
    }

    /** Ends the receiver; true only the first time, so the caller's own ending runs once. */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        if (attached) {
            metrics.receiverDetached(kind);
        }
        return true;
    }

    boolean isEnded() {
        return ended;
    }
}
