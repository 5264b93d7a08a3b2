package io.cometgate.session;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decider;
import io.cometgate.relay.BackendConnector;
import io.cometgate.relay.OpenLimiter;

/** What every session shares: configuration, the policy, metrics, the registry, the connector. */
public record GatewayContext(GatewayConfig config, Decider decider, GatewayMetrics metrics,
                             SessionRegistry registry, BackendConnector connector,
                             ChannelAudit audit, OpenLimiter limiter) {
}
