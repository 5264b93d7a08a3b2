package io.cometgate.protocol;

/** The peer broke the wire protocol; the message says how (it ends up in a close reason). */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
