package io.cometgate.session;

import io.cometgate.policy.Limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The cluster-wide part of the session caps, the open rate and the connections per target,
 * asked after this node's own checks passed, and the session directory's feed. The default ({@link #PER_NODE}) adds nothing: every limit is per node, as
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

    /**
     * Counts one backend connection to {@code target} and returns {@code null}, or counts
     * nothing and returns why the cluster-wide {@code max-connections-per-target} refuses it.
     */
    default String admitConnection(InetSocketAddress target, int max) {
        return null;
    }

    /** Uncounts a connection {@link #admitConnection} admitted. */
    default void connectionEnded(InetSocketAddress target) {
    }

    /** A session this node now holds (the session directory publishes it; never waits). */
    default void sessionRegistered(String sessionId) {
    }

    /** A session this node no longer holds. */
    default void sessionUnregistered(String sessionId) {
    }

    /**
     * A request named a well-formed session this node does not hold; it has been answered
     * (4015). The directory may look the session up later and log where it lives; never waits.
     */
    default void unknownSession(String sessionId) {
    }
}
