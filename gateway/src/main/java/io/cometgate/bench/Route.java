package io.cometgate.bench;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A way to reach the backend. {@code transport} is set for gateway routes only: websocket,
 * xhr-streaming, eventsource, htmlfile, xhr-polling (the endpoint asked for). The routes
 * {@code xhr-streaming-binary} and {@code xhr-polling-binary} use the same endpoints with
 * {@code binary=1}: raw batches instead of base64.
 */
record Route(String name, Kind kind, InetSocketAddress address, URI uri, String transport) {

    enum Kind { DIRECT, RELAY, GATEWAY, RAW_WEBSOCKET }

    static final java.util.List<String> TRANSPORTS = java.util.List.of("websocket", "xhr-streaming", "xhr-streaming-binary",
            "eventsource", "htmlfile", "xhr-polling", "xhr-polling-binary");
    private static final String BINARY = "-binary";

    static Route direct(InetSocketAddress backend) {
        return new Route("direct", Kind.DIRECT, backend, null, null);
    }

    static Route relay(InetSocketAddress relay) {
        return new Route("relay", Kind.RELAY, relay, null, null);
    }

    static Route gateway(URI base, String transport) {
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("unknown transport '" + transport + "' (known: " + String.join(", ", TRANSPORTS) + ")");
        }
        String endpoint = transport.endsWith(BINARY) ? transport.substring(0, transport.length() - BINARY.length()) : transport;
        return new Route(transport, Kind.GATEWAY, Loopback.of(base), base, endpoint);
    }

    /** A raw binary WebSocket bridge (websockify, or the gateway's websockify-compatible endpoint) named {@code name}. */
    static Route rawWebSocket(String name, URI uri) {
        return new Route(name, Kind.RAW_WEBSOCKET, Loopback.of(uri), uri, null);
    }

    /** Whether downstream bodies are raw batches ({@code binary=1}) rather than base64. */
    boolean binary() {
        return kind == Kind.GATEWAY && name.endsWith(BINARY);
    }

    /**
     * The Origin this route's requests carry, or {@code null} for none: htmlfile posts each batch
     * to its parent page's Origin, so the gateway creates an htmlfile session only with one. It
     * is the gateway's own address, as for a page the gateway serves (the policy must allow it).
     */
    String origin() {
        return "htmlfile".equals(transport) ? "http://" + uri.getHost() + ":" + uri.getPort() : null;
    }

    /** Whether this route is a long-poll one (one HTTP exchange per downstream batch). */
    boolean polling() {
        return "xhr-polling".equals(transport);
    }

    Conn connect(ClientContext context, Conn.Listener listener) {
        return switch (kind) {
            case DIRECT, RELAY -> new TcpConn(context, address, listener);
            case RAW_WEBSOCKET -> new RawWebSocketConn(context, uri, listener);
            case GATEWAY -> new GatewayConn(context, this, listener);
        };
    }
}
