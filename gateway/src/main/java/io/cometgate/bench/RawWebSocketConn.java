package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Raw binary WebSocket to a single-target bridge (websockify): each message is just bytes. */
final class RawWebSocketConn implements Conn, WsLink.Events {

    private final Listener listener;
    private final EventLoop loop;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final WsLink link;
    private boolean closedOnce;

    RawWebSocketConn(ClientContext context, URI uri, Listener listener) {
        this.listener = listener;
        this.loop = context.nextLoop();
        this.link = new WsLink(context, loop, context.nextSource(), uri, this);
    }

    @Override
    public CompletableFuture<Void> opened() {
        return opened;
    }

    @Override
    public void send(ByteBuf data) {
        link.send(data);
    }

    @Override
    public void close() {
        loop.execute(link::close);
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void ready() {
        opened.complete(null);
    }

    @Override
    public void message(ByteBuf payload) {
        listener.onData(this, payload);
    }

    @Override
    public void closed(String reason) {
        if (!closedOnce) {
            closedOnce = true;
            opened.completeExceptionally(new IllegalStateException(reason));
            listener.onClosed(this, reason);
        }
    }
}
