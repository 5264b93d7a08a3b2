package io.cometgate.testing;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.relay.BackendConnector;
import io.cometgate.relay.OpenLimiter;
import io.cometgate.relay.BackendRelay;
import io.cometgate.session.SessionContext;
import io.cometgate.session.Session;
import io.cometgate.session.SessionRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetAddress;

/** Sessions on an EmbeddedChannel's event loop, for handler tests without sockets. */
public final class EmbeddedSessions {

    public final TestDecider decider = new TestDecider();
    public final RecordingAudit audit = new RecordingAudit();
    public final GatewayMetrics metrics = new GatewayMetrics();
    public final SessionRegistry registry;
    public final SessionContext context;

    public EmbeddedSessions(GatewayConfig config) {
        BackendRelay relay = new BackendRelay(config, decider, metrics, new BackendConnector(NioSocketChannel.class),
                audit, new OpenLimiter());
        context = new SessionContext(config, decider, metrics, relay);
        registry = new SessionRegistry(context);
    }

    /** A session whose loop is {@code channel}'s, created from {@link TestDecider#ORIGIN} on loopback. */
    public Session create(EmbeddedChannel channel) {
        try {
            return registry.create(channel.eventLoop(), TestDecider.ORIGIN, InetAddress.getLoopbackAddress());
        } catch (SessionRegistry.LimitExceeded e) {
            throw new AssertionError(e);
        }
    }
}
