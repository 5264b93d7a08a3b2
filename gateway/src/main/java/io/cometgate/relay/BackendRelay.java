package io.cometgate.relay;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decider;
import io.cometgate.session.ChannelOpener;
import io.cometgate.session.ChannelOwner;
import io.cometgate.session.SessionChannel;

/**
 * The relay as the session sees it: opens {@link VirtualChannel}s toward backends. Holds what
 * every channel shares (the policy, limits, the connector, the audit trail), so neither the
 * session nor its context carries a relay type.
 */
public final class BackendRelay implements ChannelOpener {

    final GatewayConfig config;
    final Decider decider;
    final GatewayMetrics metrics;
    final BackendConnector connector;
    final ChannelAudit audit;
    final OpenLimiter limiter;
    final SharedDecisions decisions = new SharedDecisions();

    public BackendRelay(GatewayConfig config, Decider decider, GatewayMetrics metrics, BackendConnector connector,
                        ChannelAudit audit, OpenLimiter limiter) {
        this.config = config;
        this.decider = decider;
        this.metrics = metrics;
        this.connector = connector;
        this.audit = audit;
        this.limiter = limiter;
    }

    @Override
    public SessionChannel create(ChannelOwner owner, int channelId, String target) {
        return new VirtualChannel(this, owner, channelId, target);
    }
}
