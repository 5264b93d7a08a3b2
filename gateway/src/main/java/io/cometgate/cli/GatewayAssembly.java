package io.cometgate.cli;

import io.cometgate.config.GatewayConfig;
import io.cometgate.http.ClientAddressResolver;
import io.cometgate.http.ConnectBackGuard;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayContext;
import io.cometgate.http.GatewayServer;
import io.cometgate.http.UpgradeRoute;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decider;
import io.cometgate.relay.BackendConnector;
import io.cometgate.relay.BackendRelay;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.relay.OpenLimiter;
import io.cometgate.session.ClusterLimits;
import io.cometgate.session.ChannelOpener;
import io.cometgate.session.SessionContext;
import io.cometgate.session.SessionRegistry;
import io.cometgate.transport.ProtocolEndpoints;

/**
 * The composition root: the one place that knows every layer and plugs the edges into the
 * core. The relay becomes the sessions' channel opener, the transports become the server's
 * protocol handler; nothing below imports anything above it.
 */
public final class GatewayAssembly {

    private GatewayAssembly() {
    }

    /** What builds an extra endpoint (the websockify-compatible one) from the parts it shares with sessions. */
    @FunctionalInterface
    public interface UpgradeRoutes {
        UpgradeRoute create(GatewayContext context, ChannelOpener relay, ChannelAudit audit);
    }

    /** A gateway server, not yet listening: call {@link GatewayServer#start}. */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses) {
        return server(config, decider, audit, loops, clientAddresses, "local", null, ClusterLimits.PER_NODE);
    }

    /** @param nodeId this node's id in a cluster (docs/SCALING.md), carried in every session id */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses, String nodeId) {
        return server(config, decider, audit, loops, clientAddresses, nodeId, null, ClusterLimits.PER_NODE);
    }

    /**
     * The same, also serving the route {@code routes} builds (e.g. {@code WebsockifyEndpoint::tokens}):
     * its connections open backends through the same relay as sessions' channels.
     */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses, UpgradeRoutes routes) {
        return server(config, decider, audit, loops, clientAddresses, "local", routes, ClusterLimits.PER_NODE);
    }

    /**
     * The full form: this node's id, if not null the extra upgrade route, and the cluster-wide
     * caps and open rate ({@code --redis}) or {@link ClusterLimits#PER_NODE}.
     */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses, String nodeId, UpgradeRoutes routes,
                                       ClusterLimits cluster) {
        GatewayMetrics metrics = new GatewayMetrics();
        ConnectBackGuard connectBack = ConnectBackGuard.forThisHost(decider);
        BackendRelay relay = new BackendRelay(config, connectBack, metrics, new BackendConnector(loops.socketChannel()),
                audit, new OpenLimiter(cluster));
        SessionRegistry registry = new SessionRegistry(new SessionContext(config, decider, metrics, relay), nodeId, cluster);
        GatewayContext context = new GatewayContext(config, decider, metrics, registry);
        GatewayServer server = new GatewayServer(context, new ProtocolEndpoints(context), loops, clientAddresses, connectBack);
        if (routes != null) {
            server.serveUpgrades(routes.create(context, relay, audit));
        }
        return server;
    }
}
