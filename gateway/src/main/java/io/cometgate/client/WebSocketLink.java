package io.cometgate.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
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

    private final ClientSession session;
    private volatile WebSocket current;
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
        WebSocket.Builder builder = session.http().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (session.origin() != null) {
            builder.header("Origin", session.origin());
        }
        WebSocket ws;
        try {
            ws = builder.buildAsync(uri, new Listener(ended)).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                throw new GatewayRefusedException(refused.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WebSocket handshake timed out");
        }
        current = ws;
        if (session.isFinished()) {
            ws.abort();
        }
        try {
            ended.get();
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

    @Override
    public void send() throws IOException, InterruptedException {
        CompletableFuture<WebSocket> sent;
        // Built and handed over under the lock, so a batch always matches the connection's HELLO.
        synchronized (session.lock()) {
            byte[] batch = session.awaitBatch(() -> ready != null);
            if (batch == null) {
                return;
            }
            sent = ready.sendBinary(ByteBuffer.wrap(batch), true);
        }
        try {
            sent.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("WebSocket send failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WebSocket send timed out");
        }
    }

    @Override
    public boolean acksByPoll() {
        return false;
    }

    @Override
    public void drop() {
        WebSocket ws = current;
        if (ws != null) {
            ws.abort();
        }
    }

    /** One connection's events: messages are reassembled, then handed to the session. */
    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Void> ended;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private boolean helloSeen;

        Listener(CompletableFuture<Void> ended) {
            this.ended = ended;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            message.writeBytes(part);
            if (last) {
                byte[] batch = message.toByteArray();
                message.reset();
                synchronized (session.lock()) {
                    session.receiveBatch(batch);
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
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ended.completeExceptionally(new IOException("the gateway sent a text message"));
            ws.abort();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.completeExceptionally(error);
        }
    }
}
