package io.cometgate.cli;

import io.cometgate.config.GatewayConfig;
import io.cometgate.http.ClientAddressResolver;
import io.cometgate.http.ConnectBackGuard;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayContext;
import io.cometgate.http.GatewayServer;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decider;
import io.cometgate.relay.BackendConnector;
import io.cometgate.relay.BackendRelay;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.relay.OpenLimiter;
import io.cometgate.session.ClusterLimits;
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

    /** A gateway server, not yet listening: call {@link GatewayServer#start}. */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses) {
        return server(config, decider, audit, loops, clientAddresses, "local");
    }

    /** @param nodeId this node's id in a cluster (docs/SCALING.md), carried in every session id */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses, String nodeId) {
        return server(config, decider, audit, loops, clientAddresses, nodeId, ClusterLimits.PER_NODE);
    }

    /** @param cluster the cluster-wide caps and open rate ({@code --redis}), or {@link ClusterLimits#PER_NODE} */
    public static GatewayServer server(GatewayConfig config, Decider decider, ChannelAudit audit, EventLoops loops,
                                       ClientAddressResolver clientAddresses, String nodeId, ClusterLimits cluster) {
        GatewayMetrics metrics = new GatewayMetrics();
        ConnectBackGuard connectBack = ConnectBackGuard.forThisHost(decider);
        BackendRelay relay = new BackendRelay(config, connectBack, metrics, new BackendConnector(loops.socketChannel()),
                audit, new OpenLimiter(cluster));
        SessionRegistry registry = new SessionRegistry(new SessionContext(config, decider, metrics, relay), nodeId, cluster);
        GatewayContext context = new GatewayContext(config, decider, metrics, registry);
        return new GatewayServer(context, new ProtocolEndpoints(context), loops, clientAddresses, connectBack);
    }
}
