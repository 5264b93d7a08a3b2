package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;

/**
 * The seam between the gateway and the access policy: the gateway never connects a backend
 * without an {@link Decision.Verdict#ALLOW} from here, and connects to exactly
 * {@link Decision#address()}.
 *
 * <p>Implementations must not block: name resolution happens asynchronously on the given
 * event loop, and the returned future completes on it.
 */
public interface Decider {

    /** Decides one channel open. The future never fails: errors become a DENY decision. */
    Future<Decision> decide(ConnectRequest request, EventLoop loop);

    /**
     * Whether a page from {@code origin} may create or use a session at all (the union of the
     * Origins any rule allows). {@code origin} is {@code null} when the browser sent no Origin
     * header and the literal {@code "null"} for opaque origins.
     */
    boolean isOriginAllowed(String origin);

    /** Whether {@code host} (the request's Host header, port included) names this gateway. */
    boolean isHostAllowed(String host);

    /** Whether X-Forwarded-For / Forwarded from this peer is believed. */
    boolean isTrustedProxy(InetAddress peer);

    /** Session and channel limits the gateway enforces. */
    Limits limits();
}
