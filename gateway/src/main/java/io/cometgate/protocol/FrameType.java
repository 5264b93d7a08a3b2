package io.cometgate.protocol;

/** The frame types of protocol v1 (docs/PROTOCOL.md). */
public enum FrameType {
    OPEN(0x01, true),
    OPENED(0x02, true),
    DATA(0x03, true),
    CLOSE(0x04, true),
    CREDIT(0x05, true),
    ACK(0x06, false),
    HEARTBEAT(0x07, false),
    SESSION_CLOSE(0x08, true),
    HELLO(0x09, false);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean sequenced;

    FrameType(int code, boolean sequenced) {
        this.code = code;
        this.sequenced = sequenced;
    }

    public int code() {
        return code;
    }

    /** Sequenced frames are numbered, kept until acknowledged, and resent after a reconnect. */
    public boolean sequenced() {
        return sequenced;
    }

    /** Whether a client may send this type (the rest only flow from the gateway). */
    public boolean clientMaySend() {
        return this != OPENED && this != HELLO;
    }

    /** The type for a wire code, or {@code null} if the code is unknown. */
    public static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
