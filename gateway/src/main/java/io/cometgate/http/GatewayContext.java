package io.cometgate.http;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decider;
import io.cometgate.session.SessionRegistry;

/**
 * What the browser-facing side shares: configuration, the policy (Origin, Host), metrics and
 * the live sessions. No relay type: backends are the session's business, through its opener.
 */
public record GatewayContext(GatewayConfig config, Decider decider, GatewayMetrics metrics, SessionRegistry registry) {
}
