package io.cometgate.http;

import io.cometgate.config.GatewayConfig;
import io.cometgate.tls.ReloadingServerTls;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * The pipelines of every browser-facing connection, in order, and the only place they are
 * built: the HTTP pipeline here, and what it becomes after a WebSocket upgrade
 * ({@link #switchToWebSocket}). Handler names are these constants and nothing else.
 * (The backend pipeline is {@code relay.BackendInitializer}'s, with its own constants.)
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    // The HTTP pipeline, in order.
    public static final String PROXY_PROTOCOL = "proxy-protocol";
    public static final String TLS = "tls";
    public static final String HTTP_CODEC = "http";
    public static final String PACER = "pacer";
    public static final String AGGREGATOR = "aggregator";
    public static final String REQUEST_TIMEOUT = "request-timeout";
    public static final String WATCHER = "watcher";
    public static final String ROUTER = "router";
    // After a WebSocket upgrade: TLS, the WebSocket codec (Netty's handshaker swaps it for the HTTP
    // codec and drops the HTTP aggregator), then these two (the aggregator only for receivers
    // that need whole messages: see switchToWebSocket).
    public static final String WS_AGGREGATOR = "ws-aggregator";
    public static final String WS_SESSION = "ws-session";

    private static final long KEEP_ALIVE_TIMEOUT_MILLIS = 60_000;

    private final GatewayContext context;
    private final ProtocolHandler endpoints;
    private final StaticContent statics = new StaticContent();
    private final ClientAddressResolver clientAddresses;
    private final ReloadingServerTls tls;
    private final StaticFiles files;
    private final UpgradeRoute upgrades;
    private final OpsEndpoints ops;
    private final TrustedSources proxyProtocolFrom;

    /**
     * @param tls   the listener's certificate source, or {@code null} for plain HTTP
     * @param files {@code --static} files, or {@code null}
     * @param ops   /metrics, /healthz and /readyz
     * @param proxyProtocolFrom balancers that must send a PROXY header, or {@code null} for none
     * @param upgrades the websockify-compatible endpoint, or {@code null}
     */
    GatewayInitializer(GatewayContext context, ProtocolHandler endpoints, ClientAddressResolver clientAddresses,
                       ReloadingServerTls tls, StaticFiles files, OpsEndpoints ops, TrustedSources proxyProtocolFrom,
                       UpgradeRoute upgrades) {
        this.upgrades = upgrades;
        this.ops = ops;
        this.proxyProtocolFrom = proxyProtocolFrom;
        this.context = context;
        this.files = files;
        this.endpoints = endpoints;
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
        pipeline.addLast(ROUTER, new GatewayRouter(context, endpoints, statics, files, clientAddresses, ops, upgrades));
    }

    private void addHttpHandlers(ChannelPipeline pipeline) {
        GatewayConfig config = context.config();
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec(config.maxInitialLine(), config.maxHeaderBytes(), 8192));
        pipeline.addLast(PACER, new RequestPacer(context.metrics().pipeliningClosed));
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(config.maxMessageBytes()));
    }

    private void addTimeouts(ChannelPipeline pipeline) {
        pipeline.addLast(REQUEST_TIMEOUT,
                new HeaderTimeoutHandler(context.config().requestTimeout().toMillis(), KEEP_ALIVE_TIMEOUT_MILLIS));
    }

    /**
     * After a successful upgrade handshake is started: the HTTP-only handlers leave (request
     * timeouts and the receiver watcher mean nothing to a WebSocket; the request pacer turns
     * auto-read back on once the handshake response is written, which would override the
     * receiver's own read control, e.g. the websockify relay's credit-driven reads), the router
     * gives way to a frame aggregator, and {@code receiver} ends the pipeline.
     */
    public static void switchToWebSocket(ChannelPipeline pipeline, int maxMessage, ChannelHandler receiver) {
        removeHttpOnlyHandlers(pipeline);
        pipeline.replace(ROUTER, WS_AGGREGATOR, new WebSocketFrameAggregator(maxMessage));
        pipeline.addLast(WS_SESSION, receiver);
    }

    /**
     * As {@link #switchToWebSocket}, for a receiver that puts fragmented messages together
     * itself (or drops them): no aggregator, which would cost every idle WebSocket a handler and
     * its pipeline context for messages that browsers send unfragmented anyway.
     */
    public static void switchToWebSocketFragments(ChannelPipeline pipeline, ChannelHandler receiver) {
        removeHttpOnlyHandlers(pipeline);
        pipeline.replace(ROUTER, WS_SESSION, receiver);
    }

    private static void removeHttpOnlyHandlers(ChannelPipeline pipeline) {
        for (String name : new String[] {PACER, REQUEST_TIMEOUT, WATCHER}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }
}
