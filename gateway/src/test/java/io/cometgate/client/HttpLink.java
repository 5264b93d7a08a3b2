package io.cometgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What the Comet transports share: the session is created with {@code POST session}, the
 * upstream is {@code POST send} (one in flight, answered with an ACK frame), and the
 * downstream is one GET at a time whose body the subclass parses.
 */
abstract class HttpLink implements Link {

    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GET_TIMEOUT = Duration.ofSeconds(60);

    final ClientSession session;
    private volatile CompletableFuture<HttpResponse<InputStream>> pending;
    /** The upstream POST in flight: a transport declared dead takes it down too. */
    private volatile CompletableFuture<HttpResponse<byte[]>> posting;
    private volatile InputStream body;

    HttpLink(ClientSession session) {
        this.session = session;
    }

    /** The downstream endpoint's path segment. */
    abstract String path();

    /** Reads one downstream response body, handing each batch to the session. */
    abstract void consume(InputStream in) throws IOException;

    /** Extra query parameters for downstream requests (e.g. a JSONP callback), starting with '&' or empty. */
    String extraQuery() {
        return "";
    }

    @Override
    public String createSession() throws IOException, InterruptedException {
        HttpRequest request = request(session.endpoint("session", ""), POST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = session.http().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new GatewayRefusedException(response.statusCode(), response.body());
        }
        return response.body();
    }

    @Override
    public void send() throws IOException, InterruptedException {
        byte[] batch = session.awaitBatch(() -> true);
        if (batch == null) {
            return;
        }
        // A POST lost in a silent network would otherwise hold the upstream until POST_TIMEOUT.
        Duration answer = Duration.ofMillis(session.answerMillis(batch.length));
        HttpRequest request = request(session.endpoint("send", "s=" + session.id()), answer)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch)).build();
        CompletableFuture<HttpResponse<byte[]>> post = session.http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        posting = post;
        HttpResponse<byte[]> response;
        try {
            response = await(post, "upstream request dropped with its transport");
        } finally {
            posting = null;
        }
        int status = response.statusCode();
        if (status == 200) {
            session.receivePostAnswer(response.body());
        } else if (status >= 400 && status < 500) {
            throw new GatewayRefusedException(status, new String(response.body(), StandardCharsets.UTF_8));
        } else if (status != 204) {
            throw new IOException("POST send answered " + status);
        }
    }

    @Override
    public void receive(long ack) throws IOException, InterruptedException {
        String query = session.sessionQuery(ack) + extraQuery();
        URI uri = session.endpoint(path(), query.startsWith("&") ? query.substring(1) : query);
        HttpRequest request = request(uri, GET_TIMEOUT).GET().build();
        CompletableFuture<HttpResponse<InputStream>> sent =
                session.http().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        pending = sent;
        HttpResponse<InputStream> response = await(sent, "downstream request dropped");
        try (InputStream in = response.body()) {
            body = in;
            if (session.isFinished()) {
                return;
            }
            session.heard();
            if (response.statusCode() != 200) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (response.statusCode() >= 400 && response.statusCode() < 500) {
                    throw new GatewayRefusedException(response.statusCode(), text);
                }
                throw new IOException(path() + " answered " + response.statusCode() + ": " + text);
            }
            consume(in);
        } finally {
            body = null;
        }
    }

    /** The response, or the request's failure as an IOException ({@code dropped} when drop() cancelled it). */
    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> request, String dropped)
            throws IOException, InterruptedException {
        try {
            return request.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (CancellationException e) {
            throw new IOException(dropped);
        }
    }

    HttpRequest.Builder request(URI uri, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout);
        if (session.origin() != null) {
            builder.header("Origin", session.origin());
        }
        return builder;
    }

    @Override
    public boolean acksByPoll() {
        return false;
    }

    @Override
    public void drop() {
        CompletableFuture<HttpResponse<InputStream>> request = pending;
        if (request != null) {
            request.cancel(true);
        }
        // A POST into the same dead network would hold every upload (ACKs, CREDIT, probes)
        // until its own deadline, after the new downstream is up: the chaos run's chains.
        CompletableFuture<HttpResponse<byte[]>> post = posting;
        if (post != null) {
            post.cancel(true);
        }
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted; the reader sees the failure
            }
        }
    }
}
