package io.cometgate.testing;

import io.cometgate.cli.GatewayAssembly;
import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.http.ClientAddressResolver;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An in-process gateway on 127.0.0.1, every transport on, with the test policy; close() stops it.
 * {@link #withEcho} adds an {@link EchoBackend} the policy allows, closed with the gateway. The
 * out-of-process twin, the JAR run as an operator runs it, is {@code process.GatewayProcess}.
 */
public final class GatewayFixture implements AutoCloseable {

    public final TestDecider decider = new TestDecider();
    public final RecordingAudit audit = new RecordingAudit();
    private final EventLoops loops = EventLoops.create(2);
    private final GatewayServer server;
    private final InetSocketAddress address;
    private EchoBackend echo;

    public GatewayFixture() throws InterruptedException {
        this(config -> config);
    }

    public GatewayFixture(UnaryOperator<GatewayConfig> tweak) throws InterruptedException {
        GatewayConfig config = tweak.apply(GatewayConfig.defaults()
                .withListen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .withTransports(EnumSet.allOf(TransportKind.class)));
        server = GatewayAssembly.server(config, decider, audit, loops, ClientAddressResolver.PEER_ONLY);
        address = server.start().get(0);
        decider.allowHost(hostPort());
    }

    /** A gateway with every transport on and an echo backend its policy allows. */
    public static GatewayFixture withEcho() throws InterruptedException {
        GatewayFixture gateway = new GatewayFixture();
        try {
            gateway.echo = new EchoBackend();
        } catch (InterruptedException | RuntimeException e) {
            gateway.close();
            throw e;
        }
        gateway.decider.allowPort(gateway.echo.port());
        return gateway;
    }

    /** The echo backend of {@link #withEcho}. */
    public EchoBackend echo() {
        if (echo == null) {
            throw new IllegalStateException("no echo backend: start the fixture with GatewayFixture.withEcho()");
        }
        return echo;
    }

    public String hostPort() {
        return "127.0.0.1:" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    /** The protocol prefix, as clients take it. */
    public URI uri() {
        return URI.create("http://" + hostPort() + "/cometgate");
    }

    /** The same gateway reached through another local port (a proxy in front of it). */
    public URI uriVia(int port) {
        decider.allowHost("127.0.0.1:" + port);
        return URI.create("http://127.0.0.1:" + port + "/cometgate");
    }

    public GatewayServer server() {
        return server;
    }

    @Override
    public void close() {
        if (echo != null) {
            echo.close();
        }
        server.close();
        loops.shutdown();
        loops.workers().terminationFuture().syncUninterruptibly();
        loops.acceptor().terminationFuture().syncUninterruptibly();
    }
}
