package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.net.InetAddress;
import java.net.URI;

/**
 * One client WebSocket: RFC 6455 handshake, masked binary messages out, aggregated binary
 * messages in. No Origin header (a non-browser client, as the bench policy says).
 */
final class WsLink extends SimpleChannelInboundHandler<WebSocketFrame> {

    interface Events {
        void ready();

        void message(ByteBuf payload);

        void closed(String reason);
    }

    /** The largest message this client reads. */
    static final int MAX_MESSAGE = 1 << 20;

    private final Events events;
    private Channel channel;
    private boolean ready;

    WsLink(ClientContext context, EventLoop loop, InetAddress source, URI uri, Events events) {
        this.events = events;
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .generateOriginHeader(false)
                .maxFramePayloadLength(MAX_MESSAGE)
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .build();
        WebSocketClientHandshaker handshaker = new SlicingHandshaker(uri);
        context.bootstrap(loop, source, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024),
                        new WebSocketClientProtocolHandler(handshaker, config), new WebSocketFrameAggregator(MAX_MESSAGE), WsLink.this);
            }
        }).connect(Loopback.of(uri)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                channel = f.channel();
            } else {
                events.closed("connect failed: " + f.cause());
            }
        });
    }

    /** Netty's RFC 6455 client handshake, without an Origin header, decoding with {@link WsFrameSlicer}. */
    private static final class SlicingHandshaker extends WebSocketClientHandshaker13 {
        SlicingHandshaker(URI uri) {
            super(uri, WebSocketVersion.V13, null, false, EmptyHttpHeaders.INSTANCE, MAX_MESSAGE, true, false, 10_000);
        }

        @Override
        protected FullHttpRequest newHandshakeRequest() {
            FullHttpRequest request = super.newHandshakeRequest();
            request.headers().remove(HttpHeaderNames.ORIGIN); // a non-browser client, as the bench policy says
            return request;
        }

        @Override
        protected WebSocketFrameDecoder newWebsocketDecoder() {
            return new WsFrameSlicer(MAX_MESSAGE);
        }
    }

    void send(ByteBuf payload) {
        channel.writeAndFlush(new BinaryWebSocketFrame(payload), channel.voidPromise());
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            channel = ctx.channel();
            ready = true;
            events.ready();
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            events.closed("WebSocket handshake timed out");
            ctx.close();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
            events.message(frame.content());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.closed(ready ? "WebSocket closed" : "WebSocket closed before the handshake completed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.closed(String.valueOf(cause.getMessage()));
        ctx.close();
    }
}
