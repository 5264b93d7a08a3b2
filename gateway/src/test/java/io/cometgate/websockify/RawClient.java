package io.cometgate.websockify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A websockify client for tests: the JDK's own WebSocket (not gateway code), recording every
 * message and the close it got. Messages are handed out whole, binary as bytes, text as text.
 */
final class RawClient implements WebSocket.Listener, AutoCloseable {

    /** One whole message: {@code text} for a text message, else {@code bytes}. */
    record Message(byte[] bytes, String text) {
    }

    record Close(int code, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream partialBytes = new java.io.ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    final WebSocket socket;

    private RawClient(URI uri, String origin, String cookie, String... subprotocols) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        socket = builder.buildAsync(uri, this).get(40, TimeUnit.SECONDS); // generous: CI machines are shared
    }

    static RawClient connect(URI uri, String origin, String... subprotocols) throws Exception {
        return new RawClient(uri, origin, null, subprotocols);
    }

    static RawClient connectWithCookie(URI uri, String origin, String cookie, String... subprotocols) throws Exception {
        return new RawClient(uri, origin, cookie, subprotocols);
    }

    void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
    }

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    Message next() throws InterruptedException {
        Message m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s (closed: " + closed.getNow(null) + ")");
        }
        return m;
    }

    Close awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partialBytes.writeBytes(chunk);
        if (last) {
            messages.add(new Message(partialBytes.toByteArray(), null));
            partialBytes.reset();
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            messages.add(new Message(null, partialText.toString()));
            partialText.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        closed.complete(new Close(code, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
