package io.cometgate.websockify;

import java.util.List;

/**
 * How bytes travel in WebSocket messages on the websockify-compatible endpoint, chosen from
 * what the client offers the way websockify chooses: {@code binary} if offered, else
 * {@code base64} (websockify up to 0.8, old noVNC), else, when the client offered nothing,
 * plain binary messages (websockify 0.9+). A client that offers only other subprotocols is
 * refused: websockify fails that handshake too.
 */
enum Subprotocol {
    /** Binary messages both ways; the {@code binary} subprotocol is confirmed. */
    BINARY("binary"),
    /** Text messages of standard base64 both ways; the {@code base64} subprotocol is confirmed. */
    BASE64("base64"),
    /** No subprotocol offered: binary messages, none confirmed. */
    NONE(null);

    private final String header;

    Subprotocol(String header) {
        this.header = header;
    }

    /** The value for {@code Sec-WebSocket-Protocol} in the answer, {@code null} for none. */
    String header() {
        return header;
    }

    /** What the handshake answers, or {@code null} when nothing offered is spoken here. */
    static Subprotocol choose(List<String> offered) {
        if (offered.isEmpty()) {
            return NONE;
        }
        if (offered.contains("binary")) {
            return BINARY;
        }
        return offered.contains("base64") ? BASE64 : null;
    }

    /** The offered list from a {@code Sec-WebSocket-Protocol} header (comma separated, may be null). */
    static List<String> parse(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
