package io.cometgate.testing;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.relay.BackendConnector;
import io.cometgate.relay.OpenLimiter;
import io.cometgate.session.GatewayContext;
import io.cometgate.session.Session;
import io.cometgate.session.SessionRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetAddress;

/** Sessions on an EmbeddedChannel's event loop, for handler tests without sockets. */
public final class EmbeddedSessions {

    public final TestDecider decider = new TestDecider();
    public final RecordingAudit audit = new RecordingAudit();
    public final SessionRegistry registry = new SessionRegistry();
    public final GatewayContext context;

    public EmbeddedSessions(GatewayConfig config) {
        context = new GatewayContext(config, decider, new GatewayMetrics(), registry,
                new BackendConnector(NioSocketChannel.class), audit, new OpenLimiter());
        registry.bind(context);
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
