package io.cometgate.relay.clientaddr;

import io.cometgate.policy.HostPort;
import io.cometgate.policy.IpLiterals;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The real client address of an HTTP request that may have come through reverse proxies.
 *
 * <p>Headers are believed only from a trusted peer, and only as far as the trust goes: the chain is
 * walked right to left (the rightmost entry was added by the proxy nearest to us), trusted proxies are
 * skipped, and the first untrusted address is the client. Everything left of it is what the client
 * claimed, so it is never read, and garbage there cannot change the answer. An entry that is reached
 * and is not a strict IP literal ({@code unknown}, an obfuscated id, a host name) ends the walk with
 * the TCP peer: we cannot say who the client is, and the peer is the honest answer.
 */
public final class ForwardedFor {

    /** Which header a trusted proxy sets. */
    public enum Source {
        /** RFC 7239 {@code Forwarded: for=...}. */
        FORWARDED,
        /** {@code X-Forwarded-For: client, proxy1, proxy2}. */
        X_FORWARDED_FOR,
        /**
         * {@code Forwarded} if present, else {@code X-Forwarded-For}. Only safe when the proxies strip
         * the header they do not set; prefer naming the one header your proxy writes.
         */
        EITHER
    }

    private static final int MAX_ENTRIES = 64;

    private final Predicate<InetAddress> trustedProxy;
    private final Source source;

    public ForwardedFor(Predicate<InetAddress> trustedProxy, Source source) {
        this.trustedProxy = trustedProxy;
        this.source = source;
    }

    /** The client address for a request from TCP peer {@code peer} carrying {@code headers}. */
    public InetAddress clientAddress(InetAddress peer, HttpHeaders headers) {
        if (!trustedProxy.test(peer)) {
            return peer;
        }
        List<String> forwarded = headers.getAll("Forwarded");
        List<String> xff = headers.getAll("X-Forwarded-For");
        List<String> chain = switch (source) {
            case FORWARDED -> ForwardedHeader.forValues(forwarded);
            case X_FORWARDED_FOR -> elements(xff);
            case EITHER -> forwarded.isEmpty() ? elements(xff) : ForwardedHeader.forValues(forwarded);
        };
        if (chain == null || chain.isEmpty()) {
            return peer;
        }
        int walked = 0;
        InetAddress hop = peer;
        for (int i = chain.size() - 1; i >= 0 && walked < MAX_ENTRIES; i--, walked++) {
            Optional<InetAddress> address = parseNode(chain.get(i));
            if (address.isEmpty()) {
                return peer;
            }
            hop = address.get();
            if (!trustedProxy.test(hop)) {
                return hop;
            }
        }
        // Every listed hop is a trusted proxy (or the list was too long): the leftmost one seen is the
        // furthest we can vouch for.
        return hop;
    }

    /** Comma-separated X-Forwarded-For values of all header lines, in order, trimmed. */
    private static List<String> elements(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /**
     * A node as either header writes it: {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code 2001:db8::1},
     * {@code [2001:db8::1]} or {@code [2001:db8::1]:80}. Ports are checked and dropped.
     */
    static Optional<InetAddress> parseNode(String node) {
        HostPort hp;
        try {
            hp = HostPort.parse(node, 1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (hp.hasPort() && !hp.bracketed() && IpLiterals.parseIpv4(hp.host()) == null) {
            return Optional.empty(); // name:port, never an address
        }
        return IpLiterals.parse(hp.host());
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
