package io.cometgate.client;

import io.cometgate.protocol.CloseCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code websocket}: both directions over one connection, one batch per binary message. A
 * new connection is only used upstream once its HELLO has been handled: the HELLO's ack
 * decides where the resend starts, so nothing goes out ahead of a gap.
 */
final class WebSocketLink implements Link {

    private static final long PING_AFTER_MILLIS = 1_000;
    private static final long DEAD_AFTER_MILLIS = 5_000;
    /** How often a slow send looks whether its connection was replaced. */
    private static final long SEND_CHECK_MILLIS = 100;

    private final ClientSession session;
    private volatile WebSocket current;
    /** The handshake under way; a dropped attempt must not attach later, when the network heals. */
    private volatile CompletableFuture<WebSocket> handshake;
    private volatile Listener currentListener;
    /** Completes when the current connection is over; abort() alone does not tell the listener. */
    private volatile CompletableFuture<Void> currentEnded;
    /** The connection whose HELLO was handled; guarded by the session lock. */
    private WebSocket ready;

    WebSocketLink(ClientSession session) {
        this.session = session;
    }

    @Override
    public String createSession() {
        return null;
    }

    @Override
    public void receive(long ack) throws IOException, InterruptedException {
        URI http = session.endpoint("ws", session.sessionQuery(ack));
        URI uri = URI.create(http.toString().replaceFirst("^http", "ws"));
        CompletableFuture<Void> ended = new CompletableFuture<>();
        currentEnded = ended;
        Listener listener = new Listener(ended);
        currentListener = listener;
        WebSocket.Builder builder = session.http().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (session.origin() != null) {
            builder.header("Origin", session.origin());
        }
        WebSocket ws;
        CompletableFuture<WebSocket> connecting = builder.buildAsync(uri, listener);
        handshake = connecting;
        try {
            ws = connecting.get(20, TimeUnit.SECONDS);
        } catch (CancellationException e) {
            throw new IOException("WebSocket handshake dropped");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                throw new GatewayRefusedException(refused.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            abandon(connecting, listener);
            throw new IOException("WebSocket handshake timed out");
        }
        current = ws;
        if (session.isFinished()) {
            ws.abort();
        }
        try {
            awaitEnd(ws, ended, listener);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            synchronized (session.lock()) {
                if (ready == ws) {
                    ready = null;
                }
            }
            ws.abort();
        }
    }

    /**
     * Waits for the connection to end. The JDK does not always tell the listener when the
     * peer vanishes (seen when a proxy cuts the connection mid-message), so a quiet
     * connection is pinged, and one that stops answering counts as ended.
     */
    private static void awaitEnd(WebSocket ws, CompletableFuture<Void> ended, Listener listener)
            throws ExecutionException, InterruptedException {
        while (true) {
            try {
                ended.get(PING_AFTER_MILLIS / 2, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - listener.lastHeardNanos);
                if (ws.isInputClosed() || ws.isOutputClosed() || quietMillis > DEAD_AFTER_MILLIS) {
                    throw new ExecutionException(new IOException("WebSocket silent for " + quietMillis + " ms"));
                }
                if (quietMillis > PING_AFTER_MILLIS) {
                    try {
                        ws.sendPing(ByteBuffer.allocate(0)).whenComplete((w, error) -> {
                            if (error != null) {
                                ended.completeExceptionally(error);
                            }
                        });
                    } catch (IllegalStateException pingPending) {
                        // the previous ping is still on its way
                    }
                }
            }
        }
    }

    @Override
    public void send() throws IOException, InterruptedException {
        CompletableFuture<WebSocket> sent;
        WebSocket ws;
        // Built and handed over under the lock, so a batch always matches the connection's HELLO.
        synchronized (session.lock()) {
            byte[] batch = session.awaitBatch(() -> ready != null);
            if (batch == null) {
                return;
            }
            ws = ready;
            sent = ws.sendBinary(ByteBuffer.wrap(batch), true);
        }
        long sendStart = System.nanoTime();
        try {
            if (!awaitSent(sent, ws)) {
                session.trace("a send abandoned: its connection was replaced after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendStart) + " ms");
                return; // what it carried is resent from the next HELLO's ack
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendStart);
            if (waited >= 500) {
                session.trace("a batch took " + waited + " ms to go out");
            }
        } catch (ExecutionException | TimeoutException e) {
            // This connection is unusable: end it, so the downstream side reconnects. Only
            // this one: a newer connection may already have taken over.
            synchronized (session.lock()) {
                if (ready == ws) {
                    ready = null;
                }
            }
            if (current == ws) {
                drop();
            }
            throw new IOException("WebSocket send failed: " + e, e);
        }
    }

    /**
     * Waits for a send to leave, but not for a connection that was replaced meanwhile: a send
     * into a blackholed connection never completes (and abort() does not always fail it), and
     * waiting out the 10 s on it held back every upload, ACKs included, on the new connection,
     * whose downstream then stalled for want of them. False when the connection was replaced.
     */
    private boolean awaitSent(CompletableFuture<WebSocket> sent, WebSocket ws)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                sent.get(SEND_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException slow) {
                if (current != ws) { // the receive side moved to a newer connection: this one is over
                    return false;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw slow;
                }
            }
        }
    }

    @Override
    public boolean acksByPoll() {
        return false;
    }

    /** Cancelling the future does not stop the handshake: the listener aborts it if it opens. */
    private static void abandon(CompletableFuture<WebSocket> connecting, Listener listener) {
        listener.abandoned = true;
        connecting.cancel(true);
    }

    @Override
    public void drop() {
        CompletableFuture<WebSocket> connecting = handshake;
        Listener listener = currentListener;
        if (connecting != null && !connecting.isDone() && listener != null) {
            abandon(connecting, listener);
        }
        WebSocket ws = current;
        if (ws != null) {
            ws.abort();
        }
        CompletableFuture<Void> ended = currentEnded;
        if (ended != null) {
            ended.completeExceptionally(new IOException("WebSocket dropped"));
        }
    }

    /** One connection's events: messages are reassembled, then handed to the session. */
    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Void> ended;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private boolean helloSeen;
        private boolean batchAfterHello;
        private volatile long lastHeardNanos = System.nanoTime();
        private volatile boolean abandoned;

        Listener(CompletableFuture<Void> ended) {
            this.ended = ended;
        }

        @Override
        public void onOpen(WebSocket ws) {
            if (abandoned) {
                ws.abort();
                return;
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            lastHeardNanos = System.nanoTime();
            byte[] part = new byte[data.remaining()];
            data.get(part);
            message.writeBytes(part);
            if (last) {
                byte[] batch = message.toByteArray();
                message.reset();
                synchronized (session.lock()) {
                    session.receiveBatch(batch);
                    if (helloSeen && !batchAfterHello) {
                        batchAfterHello = true;
                        session.trace("first batch after HELLO");
                    }
                    if (!helloSeen) {
                        helloSeen = true;
                        ready = ws;
                        session.lock().notifyAll();
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            if (!batchAfterHello) {
                session.trace("pong, no batch yet after HELLO");
            }
            lastHeardNanos = System.nanoTime();
            // The WebSocket codec answers a ping, not the session: before HELLO a pong says the
            // connection is up, not that the gateway resumed the session on it. Counted as heard,
            // it proved the attempt, and the attempt deadline no longer replaced a connection
            // whose HELLO did not come (the chaos run's 4.5 s resumes, pongs every second).
            if (helloSeen) {
                session.heard();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ended.completeExceptionally(new IOException("the gateway sent a text message"));
            ws.abort();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (statusCode == CloseCode.SESSION_UNKNOWN.code()) {
                // The node does not hold the session: reconnecting the WebSocket would not help.
                ended.completeExceptionally(new GatewayRefusedException(GatewayRefusedException.SESSION_UNKNOWN, reason));
                return null;
            }
            ended.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.completeExceptionally(error);
        }
    }
}
