package io.cometgate.client;

import java.io.IOException;

/** The gateway answered a request with an HTTP error: retrying will not help. */
public final class GatewayRefusedException extends IOException {

    private final int status;

    public GatewayRefusedException(int status, String body) {
        super("gateway answered " + status + ": " + body.strip());
        this.status = status;
    }

    public int status() {
        return status;
    }
}
