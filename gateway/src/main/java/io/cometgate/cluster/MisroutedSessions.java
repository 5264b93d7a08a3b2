package io.cometgate.cluster;

import io.cometgate.session.SessionIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the session directory says about requests this node answered with 4015, for the
 * operator: a session its own node still holds means the balancer routes wrongly (a warning
 * and {@code cometgate_misrouted_sessions_total}); a session whose node is gone, or that the
 * directory no longer has, is the expected aftermath of a crash or a restart (info). At most
 * one line a second, with the number of lines left out since the last one.
 */
final class MisroutedSessions {

    private static final Logger LOG = LoggerFactory.getLogger(MisroutedSessions.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String node;
    private final AtomicLong misrouted = new AtomicLong();
    private boolean loggedOnce;
    private long nextLogNanos;
    private long suppressed;

    MisroutedSessions(String node) {
        this.node = node;
    }

    /** On the refresher thread. */
    void report(SessionDirectory.Lookup lookup, long nowNanos) {
        boolean wrongRoute = lookup.owner() != null && lookup.ownerAlive() && !lookup.owner().equals(node);
        if (wrongRoute) {
            misrouted.incrementAndGet();
        }
        if (loggedOnce && nowNanos - nextLogNanos < 0) {
            suppressed++;
            return;
        }
        loggedOnce = true;
        nextLogNanos = nowNanos + LOG_EVERY_NANOS;
        String more = suppressed == 0 ? "" : " (" + suppressed + " similar lines left out)";
        suppressed = 0;
        String session = shortId(lookup.sessionId());
        if (wrongRoute) {
            LOG.warn("node {}: a request for session {} reached this node, but the directory says node {} holds it "
                    + "and is alive: the balancer routes {}'s sessions wrongly; answered 4015{}",
                    node, session, lookup.owner(), lookup.owner(), more);
        } else if (lookup.owner() != null) {
            LOG.info("node {}: a request for session {} reached this node; its node {} is gone (no lease in Redis): "
                    + "the session ended with it; answered 4015{}", node, session, lookup.owner(), more);
        } else {
            LOG.info("node {}: a request for session {} reached this node; the directory has no entry (it ended, "
                    + "expired, or its node died over a session timeout ago); answered 4015{}", node, session, more);
        }
    }

    /** Enough of the id to find it in the client's logs, not enough to take the session over. */
    static String shortId(String sessionId) {
        String owner = SessionIds.nodeOf(sessionId);
        return SessionIds.redact(sessionId) + (owner == null ? "" : "." + owner);
    }

    long misrouted() {
        return misrouted.get();
    }
}
