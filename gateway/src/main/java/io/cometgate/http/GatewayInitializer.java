package io.cometgate.http;

import io.cometgate.config.GatewayConfig;
import io.cometgate.session.GatewayContext;
import io.cometgate.tls.ReloadingServerTls;
import io.cometgate.transport.ConnectionWatcher;
import io.cometgate.transport.ProtocolEndpoints;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of every browser-facing connection, in order. */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    static final String PROXY_PROTOCOL = "proxy-protocol";
    static final String TLS = "tls";
    static final String HTTP_CODEC = "http";
    static final String AGGREGATOR = "aggregator";
    static final String REQUEST_TIMEOUT = "request-timeout";
    static final String WATCHER = "watcher";
    static final String ROUTER = "router";

    private static final long KEEP_ALIVE_TIMEOUT_MILLIS = 60_000;

    private final GatewayContext context;
    private final ProtocolEndpoints endpoints;
    private final StaticContent statics = new StaticContent();
    private final ClientAddressResolver clientAddresses;
    private final ReloadingServerTls tls;
    private final StaticFiles files;
    private final OpsEndpoints ops;
    private final TrustedSources proxyProtocolFrom;

    /**
     * @param tls   the listener's certificate source, or {@code null} for plain HTTP
     * @param files {@code --static} files, or {@code null}
     * @param proxyProtocolFrom balancers that must send a PROXY header, or {@code null} for none
     */
    GatewayInitializer(GatewayContext context, ClientAddressResolver clientAddresses, ReloadingServerTls tls,
                       StaticFiles files, OpsEndpoints ops, TrustedSources proxyProtocolFrom) {
        this.ops = ops;
        this.proxyProtocolFrom = proxyProtocolFrom;
        this.context = context;
        this.files = files;
        this.endpoints = new ProtocolEndpoints(context);
        this.clientAddresses = clientAddresses;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (proxyProtocolFrom != null) { // the PROXY header comes before any TLS byte
            pipeline.addLast(PROXY_PROTOCOL, new ProxyProtocolGate(proxyProtocolFrom, context.metrics().proxyProtocolRefused));
        }
        if (tls != null) {
            pipeline.addLast(TLS, tls.newHandler(ch.alloc())); // each connection gets the current certificate
        }
        addHttpHandlers(pipeline);
        addTimeouts(pipeline);
        pipeline.addLast(WATCHER, new ConnectionWatcher());
        pipeline.addLast(ROUTER, new GatewayRouter(context, endpoints, statics, files, clientAddresses, ops));
    }

    private void addHttpHandlers(ChannelPipeline pipeline) {
        GatewayConfig config = context.config();
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec(config.maxInitialLine(), config.maxHeaderBytes(), 8192));
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(config.maxMessageBytes()));
    }

    private void addTimeouts(ChannelPipeline pipeline) {
        pipeline.addLast(REQUEST_TIMEOUT,
                new HeaderTimeoutHandler(context.config().requestTimeout().toMillis(), KEEP_ALIVE_TIMEOUT_MILLIS));
    }
}
