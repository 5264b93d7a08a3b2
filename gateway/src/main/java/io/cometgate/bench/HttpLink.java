package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One client HTTP/1.1 connection carrying one request at a time, connected on first use and
 * again after the server (or a {@code Connection: close}) ended it. Response parts are
 * handed over as they arrive, so the same class serves streams, polls and POSTs.
 */
final class HttpLink {

    interface Events {
        void head(HttpResponse response);

        /** A piece of the body; released by the link after the call. */
        void content(ByteBuf content);

        void end();

        void failed(String reason);
    }

    private final ClientContext context;
    private final EventLoop loop;
    private final InetAddress source;
    private final InetSocketAddress server;
    private Events events;
    private Channel channel;
    private boolean inResponse;
    private boolean reusable;

    HttpLink(ClientContext context, EventLoop loop, InetAddress source, InetSocketAddress server) {
        this.context = context;
        this.loop = loop;
        this.source = source;
        this.server = server;
    }

    /** Sends {@code request}; {@code events} hear its response. Call on the loop. */
    void request(HttpRequest request, Events events) {
        this.events = events;
        this.inResponse = true;
        boolean keep = io.netty.handler.codec.http.HttpUtil.isKeepAlive(request);
        if (channel != null && channel.isActive() && reusable) {
            reusable = keep;
            channel.writeAndFlush(request, channel.voidPromise());
            return;
        }
        if (channel != null) {
            channel.close(); // the last response said close (or is still closing): never write on it
            channel = null;
        }
        reusable = keep;
        HttpLink self = this;
        context.bootstrap(loop, source, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(4096, 16 * 1024, 64 * 1024), new Handler(self));
            }
        }).connect(server).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                channel = f.channel();
                channel.writeAndFlush(request, channel.voidPromise());
            } else {
                io.netty.util.ReferenceCountUtil.release(request);
                fail("connect failed: " + f.cause());
            }
        });
    }

    /**
     * Closes the connection. A response still under way hears {@code failed}, so what its
     * events hold (a body's pieces, an unfinished line) is released: closed silently, it leaked.
     */
    void close() {
        Events unfinished = inResponse ? events : null;
        inResponse = false;
        if (channel != null) {
            channel.close();
        }
        if (unfinished != null) {
            unfinished.failed("closed by the load tool");
        }
    }

    private void fail(String reason) {
        if (inResponse) {
            inResponse = false;
            events.failed(reason);
        }
    }

    /** Per-channel handler: an old connection's late events never reach a newer request. */
    private static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private final HttpLink link;

        Handler(HttpLink link) {
            this.link = link;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (ctx.channel() != link.channel || !link.inResponse) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                link.reusable &= io.netty.handler.codec.http.HttpUtil.isKeepAlive(response);
                link.events.head(response);
            }
            if (msg instanceof HttpContent content && content.content().isReadable()) {
                link.events.content(content.content());
            }
            if (msg instanceof LastHttpContent) {
                link.inResponse = false;
                link.events.end();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == link.channel) {
                link.fail("connection closed by the gateway");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
