package io.cometgate.config;

import java.util.EnumSet;
import java.util.Set;

/** The transports a client can use; each maps to one endpoint under the path prefix. */
public enum TransportKind {
    WEBSOCKET("websocket", "ws"),
    XHR_STREAMING("xhr-streaming", "xhr-streaming"),
    EVENTSOURCE("eventsource", "eventsource"),
    HTMLFILE("htmlfile", "htmlfile"),
    XHR_POLLING("xhr-polling", "xhr-polling"),
    JSONP_POLLING("jsonp-polling", "jsonp-polling");

    /** JSONP carries no Origin header, so it stays off unless the operator turns it on. */
    public static final Set<TransportKind> DEFAULT_ENABLED = Set.copyOf(EnumSet.complementOf(EnumSet.of(JSONP_POLLING)));

    private final String label;
    private final String path;

    TransportKind(String label, String path) {
        this.label = label;
        this.path = path;
    }

    public String label() {
        return label;
    }

    /** The endpoint's last path segment. */
    public String path() {
        return path;
    }

    public static TransportKind fromLabel(String label) {
        for (TransportKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + label + "' (known: websocket, xhr-streaming, "
                + "eventsource, htmlfile, xhr-polling, jsonp-polling, all)");
    }
}
