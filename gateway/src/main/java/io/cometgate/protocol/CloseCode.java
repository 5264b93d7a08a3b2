package io.cometgate.protocol;

/** Channel and session close codes (docs/PROTOCOL.md, "Close codes"). */
public enum CloseCode {
    NORMAL(1000, "normal"),
    BACKEND_CLOSED(4000, "backend-closed"),
    CONNECT_REFUSED(4001, "connect-refused"),
    CONNECT_TIMEOUT(4002, "connect-timeout"),
    DNS_FAILURE(4003, "dns-failure"),
    POLICY_DENIED(4004, "policy-denied"),
    IDLE_TIMEOUT(4005, "idle-timeout"),
    PROTOCOL_ERROR(4006, "protocol-error"),
    SESSION_EXPIRED(4007, "session-expired"),
    BACKEND_ERROR(4008, "backend-error"),
    LIMIT_EXCEEDED(4009, "limit-exceeded"),
    GATEWAY_SHUTDOWN(4010, "gateway-shutdown"),
    LIFETIME_EXCEEDED(4011, "lifetime-exceeded"),
    FLOW_CONTROL(4012, "flow-control"),
    BACKEND_TLS(4013, "backend-tls"),
    SESSION_REPLACED(4014, "session-replaced"),
    SESSION_UNKNOWN(4015, "session-unknown");

    private final int code;
    private final String label;

    CloseCode(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** The short name used in logs and metrics labels. */
    public String label() {
        return label;
    }
}
