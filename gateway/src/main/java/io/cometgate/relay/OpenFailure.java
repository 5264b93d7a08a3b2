package io.cometgate.relay;

import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;

/**
 * Every way opening a channel can fail, each with the close code the client gets: the one
 * place where an open failure becomes a code (docs/PROTOCOL.md, "Close codes").
 */
enum OpenFailure {
    OPEN_RATE(CloseCode.LIMIT_EXCEEDED),
    POLICY_DENIED(CloseCode.POLICY_DENIED),
    POLICY_LIMIT(CloseCode.LIMIT_EXCEEDED),
    DNS_FAILURE(CloseCode.DNS_FAILURE),
    TARGET_SLOTS(CloseCode.LIMIT_EXCEEDED),
    PREPARE_TLS(CloseCode.BACKEND_TLS),
    PREPARE(CloseCode.BACKEND_ERROR),
    CONNECT_TIMEOUT(CloseCode.CONNECT_TIMEOUT),
    CONNECT_REFUSED(CloseCode.CONNECT_REFUSED),
    BACKEND_TLS(CloseCode.BACKEND_TLS),
    BACKEND_ERROR(CloseCode.BACKEND_ERROR);

    final CloseCode code;

    OpenFailure(CloseCode code) {
        this.code = code;
    }

    /** Why the policy said no. */
    static OpenFailure denied(Decision.Verdict verdict) {
        return switch (verdict) {
            case DNS_FAILURE -> DNS_FAILURE;
            case LIMIT -> POLICY_LIMIT;
            default -> POLICY_DENIED;
        };
    }

    /** Why the connection (or its TLS handshake) failed. */
    static OpenFailure connecting(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException) {
            return CONNECT_REFUSED;
        }
        return isTls(cause) ? BACKEND_TLS : BACKEND_ERROR;
    }

    static boolean isTls(Throwable cause) {
        return cause instanceof SSLException || cause.getCause() instanceof SSLException;
    }
}
