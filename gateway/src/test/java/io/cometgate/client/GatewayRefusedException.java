package io.cometgate.client;

import java.io.IOException;

/** The gateway answered a request with an HTTP error: retrying will not help. */
public final class GatewayRefusedException extends IOException {

    /** The HTTP status of "this node does not hold the session" (close code 4015). */
    public static final int SESSION_UNKNOWN = 410;

    private final int status;

    public GatewayRefusedException(int status, String body) {
        super("gateway answered " + status + ": " + body.strip());
        this.status = status;
    }

    public int status() {
        return status;
    }
}
