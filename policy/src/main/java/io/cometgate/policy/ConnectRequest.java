package io.cometgate.policy;

import java.net.InetAddress;

/**
 * One channel-open request as the page made it.
 *
 * @param target        what the page asked for: an alias ({@code irc}) or {@code host:port}
 * @param origin        the session's Origin, {@code null} if the browser sent none
 * @param clientAddress the real client address (after trusted-proxy headers)
 * @param token         a signed token the page passed, or {@code null}
 */
public record ConnectRequest(String target, String origin, InetAddress clientAddress, String token) {
}
