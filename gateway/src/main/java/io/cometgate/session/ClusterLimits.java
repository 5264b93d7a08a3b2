package io.cometgate.session;

import io.cometgate.policy.Limits;

import java.net.InetAddress;

/**
 * The cluster-wide part of the session caps and the open rate, asked after this node's own
 * checks passed. The default ({@link #PER_NODE}) adds nothing: every limit is per node, as
 * without {@code --redis}. Implementations answer at once from what they know (no event loop
 * ever waits for a remote store), so a cluster-wide limit may overshoot by what other nodes
 * admitted since the last refresh (docs/SCALING.md, "Limits in a cluster").
 */
public interface ClusterLimits {

    /** Per-node limits only: admits everything this node's own caps admitted. */
    ClusterLimits PER_NODE = new ClusterLimits() {
        @Override
        public String admitSession(InetAddress client, String origin, Limits limits) {
            return null;
        }

        @Override
        public void sessionEnded(InetAddress client, String origin) {
        }

        @Override
        public String admitOpen(InetAddress client, int perMinute) {
            return null;
        }
    };

    /**
     * Counts a new session from {@code client} with {@code origin} ({@code ""} for none) and
     * returns {@code null}, or counts nothing and returns why it is refused.
     */
    String admitSession(InetAddress client, String origin, Limits limits);

    /** Uncounts a session {@link #admitSession} admitted. */
    void sessionEnded(InetAddress client, String origin);

    /** Counts one channel open from {@code client}; {@code null} to allow it, else why it is refused. */
    String admitOpen(InetAddress client, int perMinute);
}
