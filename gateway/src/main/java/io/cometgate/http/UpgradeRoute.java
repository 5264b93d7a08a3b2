package io.cometgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * An endpoint outside the protocol prefix that takes over a connection by its own upgrade
 * (the websockify-compatible WebSocket). The router has checked the request and the Host
 * first, and releases the request after {@link #handle}.
 */
public interface UpgradeRoute {

    /** Whether this route takes {@code req} (with its decoded {@code path}). */
    boolean accepts(String path, FullHttpRequest req);

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, RequestInfo info);
}
