package io.cometgate.policy;

import java.net.InetAddress;

/**
 * One channel-open request as the page made it.
 *
 * @param target        what the page asked for: an alias ({@code irc}) or {@code host:port}
 * @param origin        the session's Origin, {@code null} if the browser sent none
 * @param clientAddress the real client address (after trusted-proxy headers)
 * @param token         a signed token the page passed, or {@code null}
 * @param clientSubject the verified TLS client certificate's subject (RFC 2253), or {@code null}
 */
public record ConnectRequest(String target, String origin, InetAddress clientAddress, String token,
                             String clientSubject) {

    /** A request from a client without a TLS client certificate. */
    public ConnectRequest(String target, String origin, InetAddress clientAddress, String token) {
        this(target, origin, clientAddress, token, null);
    }
}
