package io.cometgate.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.util.concurrent.atomic.LongAdder;

/**
 * The pipeline of an admin-listener connection: small HTTP requests, a timeout, {@link AdminRouter}.
 * {@code GatewayServer.startAdmin} runs it on its own NIO loop with heap buffers
 * ({@link HeapIoAllocator}), so probes and scrapes are answered while clients hold the
 * browser-facing listeners' direct memory at its cap, or keep their loops busy.
 */
final class AdminInitializer extends ChannelInitializer<SocketChannel> {

    static final String HTTP_CODEC = "http";
    static final String AGGREGATOR = "aggregator";
    static final String REQUEST_TIMEOUT = "request-timeout";
    static final String ROUTER = "admin-router";

    /** Probes and scrapes are tiny GETs: anything bigger is not one of them. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_HEADERS = 8192;
    private static final int MAX_BODY = 1024;
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    private static final long KEEP_ALIVE_TIMEOUT_MILLIS = 60_000;

    private final OpsEndpoints ops;
    private final LongAdder directMemoryExhausted;

    AdminInitializer(OpsEndpoints ops, LongAdder directMemoryExhausted) {
        this.ops = ops;
        this.directMemoryExhausted = directMemoryExhausted;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192));
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(MAX_BODY));
        pipeline.addLast(REQUEST_TIMEOUT, new HeaderTimeoutHandler(REQUEST_TIMEOUT_MILLIS, KEEP_ALIVE_TIMEOUT_MILLIS));
        pipeline.addLast(ROUTER, new AdminRouter(ops, directMemoryExhausted));
    }
}
