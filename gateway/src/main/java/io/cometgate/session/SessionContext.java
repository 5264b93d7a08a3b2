package io.cometgate.session;

import io.cometgate.config.GatewayConfig;
import io.cometgate.policy.Decider;

/**
 * What every session shares: configuration, the policy (for its limits), counters, and the
 * opener of backend channels. Nothing here is an edge type, so a session can be built with
 * a fake opener and no sockets.
 */
public record SessionContext(GatewayConfig config, Decider decider, SessionMetrics metrics, ChannelOpener opener) {
}
