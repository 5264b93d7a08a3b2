package io.cometgate.websockify;

import io.cometgate.cli.GatewayAssembly;
import io.cometgate.config.GatewayConfig;
import io.cometgate.http.ClientAddressResolver;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.testing.RecordingAudit;
import io.cometgate.testing.TestDecider;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;

/** An in-process gateway on 127.0.0.1 (port 0) serving one websockify-compatible endpoint at /websockify. */
final class RawGateway implements AutoCloseable {

    final TestDecider decider = new TestDecider();
    final RecordingAudit audit = new RecordingAudit();
    private final EventLoops loops = EventLoops.create(2);
    private final GatewayServer server;
    private final InetSocketAddress address;

    /** @param targets the endpoint's targets (a token table or one fixed target) */
    RawGateway(Targets targets) throws InterruptedException {
        this(targets, c -> c);
    }

    RawGateway(Targets targets, UnaryOperator<GatewayConfig> tweak) throws InterruptedException {
        GatewayConfig config = tweak.apply(GatewayConfig.defaults().withListen(List.of(new InetSocketAddress("127.0.0.1", 0))));
        server = GatewayAssembly.server(config, decider, audit, loops, ClientAddressResolver.PEER_ONLY,
                (context, relay, recorded) -> new WebsockifyEndpoint(context, relay, recorded, targets, "/websockify"));
        address = server.start().get(0);
        decider.allowHost("127.0.0.1:" + address.getPort());
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + address.getPort() + pathAndQuery);
    }

    GatewayServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        loops.shutdown();
    }
}
