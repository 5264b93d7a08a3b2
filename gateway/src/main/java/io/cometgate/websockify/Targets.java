package io.cometgate.websockify;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Where a websockify-compatible connection goes: one fixed target, or the target a token names
 * (websockify's token plugins). The answer is only a request: the policy still decides on it.
 */
interface Targets {

    /**
     * One lookup's outcome: {@code hostPort} to ask the policy for, or {@code refusal}, the
     * reason the client is told (exactly one of them is set).
     */
    record Lookup(String hostPort, String refusal) {

        static Lookup found(String hostPort) {
            return new Lookup(hostPort, null);
        }

        static Lookup refused(String reason) {
            return new Lookup(null, reason);
        }
    }

    /** Must not block: it runs on the connection's event loop. */
    Lookup lookup(QueryStringDecoder query, HttpHeaders headers);

    /** The single target websockify's {@code TARGET_HOST:TARGET_PORT} argument names. */
    static Targets fixed(String hostPort) {
        return (query, headers) -> Lookup.found(hostPort);
    }
}
