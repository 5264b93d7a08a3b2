package io.cometgate.client;

import java.io.IOException;

/** A channel was closed (by either side); carries the protocol close code and reason. */
public final class ChannelClosedException extends IOException {

    private final int code;
    private final String reason;

    public ChannelClosedException(int channel, int code, String reason) {
        super("channel " + channel + " closed: " + code + " " + reason);
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
