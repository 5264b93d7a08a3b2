package io.cometgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * What the router hands every request under the path prefix to: the protocol endpoints
 * (session create, attach, upstream POST) live in {@code transport}, which implements this,
 * so the server package never imports a transport.
 */
@FunctionalInterface
public interface ProtocolHandler {

    /** Handles {@code prefix/endpoint}; the router already checked Host and releases {@code req}. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String endpoint, RequestInfo info);
}
