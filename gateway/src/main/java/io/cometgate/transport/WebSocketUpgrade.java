package io.cometgate.transport;

import io.cometgate.http.GatewayInitializer;
import io.cometgate.http.RequestInfo;
import io.cometgate.protocol.CloseCode;
import io.cometgate.http.GatewayContext;
import io.cometgate.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * Turns an HTTP connection into the {@code websocket} transport: Origin and session checks
 * first (a refused handshake is a plain HTTP error), then the RFC 6455 handshake, then the
 * pipeline becomes the frame codec + {@link WebSocketReceiver}. Without {@code s} the
 * upgrade creates the session on this connection's loop (no extra round trip).
 */
final class WebSocketUpgrade {

    private final GatewayContext context;
    private final ProtocolEndpoints endpoints;
    /** Immutable and kept by every connection's frame decoder: one for all of them. */
    private final WebSocketDecoderConfig decoder;

    WebSocketUpgrade(GatewayContext context, ProtocolEndpoints endpoints) {
        this.context = context;
        this.endpoints = endpoints;
        this.decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(context.config().maxMessageBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // WebSocketReceiver closes gracefully, with the status
                .build();
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query, RequestInfo info) {
        if (!HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, ""))) {
            endpoints.fail(ctx, HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade", info);
            return;
        }
        if (!req.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            // Checked before a session exists: the handshake would fail after creating one.
            endpoints.fail(ctx, HttpResponseStatus.BAD_REQUEST, "a WebSocket handshake needs Sec-WebSocket-Key", info);
            return;
        }
        long ack;
        try {
            ack = ProtocolEndpoints.ack(query, req);
        } catch (NumberFormatException e) {
            endpoints.fail(ctx, HttpResponseStatus.BAD_REQUEST, "ack must be a sequence number", info);
            return;
        }
        int batchLimit;
        try {
            batchLimit = BatchLimit.parse(ProtocolEndpoints.param(query, "maxBatch"), context.config());
        } catch (IllegalArgumentException e) {
            endpoints.fail(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage(), info);
            return;
        }
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(webSocketUrl(req), null, decoder).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        boolean creating = ProtocolEndpoints.param(query, "s") == null;
        Session session = creating
                ? endpoints.newSession(ctx, info, (code, reason) -> refuseAfterHandshake(ctx, req, handshaker, code, reason))
                : endpoints.existingSession(ctx, query, info,
                        reason -> refuseAfterHandshake(ctx, req, handshaker, CloseCode.SESSION_UNKNOWN, reason));
        if (session == null) {
            return;
        }
        Channel channel = ctx.channel();
        WebSocketReceiver receiver = new WebSocketReceiver(channel, session, context.metrics().directMemoryExhausted, batchLimit);
        GatewayInitializer.switchToWebSocketFragments(channel.pipeline(), receiver);
        handshaker.handshake(channel, req).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                if (creating) {
                    session.loop().execute(() -> session.close(CloseCode.PROTOCOL_ERROR, "WebSocket handshake failed"));
                }
                return;
            }
            session.loop().execute(() -> {
                receiver.start();
                session.attach(receiver, ack);
            });
        });
    }

    /**
     * A refusal the page must act on: a session this node does not hold (4015, the client
     * starts a fresh session) or a session limit (4009; 4010 while draining). A browser cannot
     * read the status of a refused handshake (it only sees 1006, "could not reach the gateway"),
     * so the handshake completes and the socket closes at once with the code and the reason.
     */
    private void refuseAfterHandshake(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketServerHandshaker handshaker,
                                      CloseCode code, String reason) {
        Channel channel = ctx.channel();
        GatewayInitializer.switchToWebSocketFragments(channel.pipeline(), new DiscardFrames());
        handshaker.handshake(channel, req).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                return;
            }
            // A close reason is at most 123 bytes of UTF-8; the reasons are ASCII.
            String text = reason.length() > 123 ? reason.substring(0, 123) : reason;
            channel.writeAndFlush(new CloseWebSocketFrame(code.code(), text))
                    .addListener(ChannelFutureListener.CLOSE);
        });
    }

    private static String webSocketUrl(FullHttpRequest req) {
        return "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
    }

    /** What a refused WebSocket may still send before our close frame reaches it: dropped (and released). */
    private static final class DiscardFrames extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
            // released by SimpleChannelInboundHandler
        }
    }
}
