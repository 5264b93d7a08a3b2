package io.cometgate.client;

import io.cometgate.config.TransportKind;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Java client for protocol v1 (docs/PROTOCOL.md) over every transport; the integration
 * tests and {@code cometgate bench} use it.
 *
 * <pre>{@code
 * ClientSession session = CometClient.connect(URI.create("http://127.0.0.1:8080/cometgate"),
 *         TransportKind.XHR_STREAMING, "https://app.example");
 * ClientChannel channel = session.open("irc");
 * channel.opened().get();
 * channel.write(bytes);
 * int n = channel.read(buffer, 0, buffer.length);
 * }</pre>
 */
public final class CometClient {

    private static final long HELLO_TIMEOUT_MILLIS = 15_000;

    private static final class Shared {
        static final HttpClient HTTP = newHttpClient();
    }

    private CometClient() {
    }

    /** Connects with a shared HTTP client (daemon threads). */
    public static ClientSession connect(URI gateway, TransportKind transport, String origin)
            throws IOException, InterruptedException {
        return connect(Shared.HTTP, gateway, transport, origin);
    }

    /**
     * Creates a session at {@code gateway} (the protocol prefix, e.g. {@code http://host:port/cometgate})
     * and starts its transport. {@code origin} is sent as the Origin header ({@code null}: none).
     *
     * @throws GatewayRefusedException when the gateway refuses the session (403 Origin, 429 limits, ...)
     */
    public static ClientSession connect(HttpClient http, URI gateway, TransportKind transport, String origin)
            throws IOException, InterruptedException {
        return connect(http, gateway, transport, origin, LivenessOptions.DEFAULTS);
    }

    /** As above, with liveness deadlines other than those HELLO implies (docs/PROTOCOL.md "Liveness"). */
    public static ClientSession connect(HttpClient http, URI gateway, TransportKind transport, String origin,
            LivenessOptions liveness) throws IOException, InterruptedException {
        ClientSession session = new ClientSession(http, gateway, transport, origin, liveness);
        session.start(HELLO_TIMEOUT_MILLIS);
        return session;
    }

    /** An HTTP/1.1 client suited to the gateway (the Comet transports are HTTP/1.1 by design). */
    public static HttpClient newHttpClient() {
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cometgate-client-http");
            thread.setDaemon(true);
            return thread;
        });
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }
}
