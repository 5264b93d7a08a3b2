package io.cometgate.session;

import io.cometgate.protocol.CloseCode;

/** How a session ended: what its SESSION_CLOSE said, kept to answer a client that comes back. */
public record SessionEnd(CloseCode code, String reason) {

    /** One line for an HTTP error body: {@code 4010 gateway-shutdown: the gateway is shutting down}. */
    public String describe() {
        return code.code() + " " + code.label() + ": " + reason;
    }
}
