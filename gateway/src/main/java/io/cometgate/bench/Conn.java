package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;

/**
 * One benchmark connection to the bench backend, by whatever route (direct TCP, the bare
 * relay, a gateway session over one transport, raw WebSocket). Bytes in, bytes out: the
 * scenarios never know the route.
 */
interface Conn {

    /** Completes when data can flow (for the gateway: OPENED arrived); fails with the reason. */
    CompletableFuture<Void> opened();

    /** Sends bytes to the backend; takes ownership. Call on {@link #loop()}. */
    void send(ByteBuf data);

    /** Hangs up (gracefully where the route has a goodbye). Any thread. */
    void close();

    /** The event loop every callback of this connection runs on. */
    EventLoop loop();

    /** Receives what the backend sent; {@code data} is released by the caller after the call. */
    interface Listener {
        void onData(Conn conn, ByteBuf data);

        default void onClosed(Conn conn, String reason) {
        }
    }
}
