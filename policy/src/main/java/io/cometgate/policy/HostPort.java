package io.cometgate.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The one {@code host:port} grammar of cometgate: policy targets and aliases, the gateway's Host
 * header values, forwarding headers and the command line's listen addresses all split here.
 * Accepted shapes: {@code host}, {@code host:port}, {@code a.b.c.d:port}, {@code [v6]},
 * {@code [v6]:port}, and a bare IPv6 literal (more than one colon, no brackets, so no port).
 * A port is decimal without sign or leading zeros and at most 65535. Bracketed text must be a
 * canonical IPv6 literal ({@link IpLiterals}); unbracketed hosts are returned as written, for
 * the caller to read as a literal or a name. Nothing here resolves a name.
 *
 * @param host      the host without brackets, exactly as written
 * @param bracketed whether the host was written in brackets (it is then an IPv6 literal)
 * @param port      the port 0-65535, or {@link #NO_PORT} when none was written
 */
public record HostPort(String host, boolean bracketed, int port) {

    public static final int NO_PORT = -1;

    /**
     * Splits {@code text}, or throws an {@link IllegalArgumentException} saying what is wrong.
     *
     * @param minPort the lowest port accepted: 1 for targets, 0 where 0 means "any free port"
     */
    public static HostPort parse(String text, int minPort) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': '[' without ']'");
            }
            String inner = text.substring(1, close);
            if (IpLiterals.parseIpv6(inner) == null) {
                throw new IllegalArgumentException("'" + inner + "' is not a canonical IPv6 address (no zone ids)");
            }
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostPort(inner, true, NO_PORT);
            }
            if (rest.charAt(0) != ':') {
                throw new IllegalArgumentException("expected [IPv6]:PORT");
            }
            return new HostPort(inner, true, port(rest.substring(1), minPort));
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new HostPort(text, false, NO_PORT);
        }
        if (colon != text.lastIndexOf(':')) {
            return new HostPort(text, false, NO_PORT); // a bare IPv6 literal: it cannot carry a port
        }
        return new HostPort(text.substring(0, colon), false, port(text.substring(colon + 1), minPort));
    }

    /**
     * One decimal port from {@code min} to 65535 without sign or leading zeros (so {@code 080}
     * and {@code +80} are refused), or an {@link IllegalArgumentException} naming the range.
     */
    public static int port(String s, int min) {
        String range = "(" + min + "-65535)";
        if (s.isEmpty()) {
            throw new IllegalArgumentException("missing port after ':'");
        }
        if (s.equals("0") && min == 0) {
            return 0;
        }
        if (!s.matches("[1-9][0-9]{0,4}")) {
            throw new IllegalArgumentException(s.matches("0+") ? "port 0 is not a valid port " + range
                    : "bad port '" + s + "' (a number " + min + "-65535, a list 80,443 or a range 8000-8100)");
        }
        int p = Integer.parseInt(s);
        if (p > 65535 || p < min) {
            throw new IllegalArgumentException("port " + p + " out of range " + range);
        }
        return p;
    }

    public boolean hasPort() {
        return port != NO_PORT;
    }

    /** The host's address when it is a canonical IP literal (v4 unbracketed, v6 either way), else {@code null}. */
    public byte[] ip() {
        return bracketed ? IpLiterals.parseIpv6(host) : IpLiterals.parse(host).map(InetAddress::getAddress).orElse(null);
    }

    /**
     * A socket address for {@code text}, which must be an IP literal with a port
     * ({@code 127.0.0.1:8080}, {@code [::1]:8080}; port 0 allowed): for listen flags, where a
     * name would need DNS at start-up and could bind somewhere unexpected.
     */
    public static InetSocketAddress literalSocketAddress(String text) {
        HostPort hp = parse(text, 0);
        if (!hp.hasPort()) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        byte[] ip = hp.ip();
        if (ip == null || (ip.length == 16 && !hp.bracketed)) {
            throw new IllegalArgumentException("'" + text + "': listen on an IP address, not a name");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), hp.port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // only thrown for a wrong array length
        }
    }
}
