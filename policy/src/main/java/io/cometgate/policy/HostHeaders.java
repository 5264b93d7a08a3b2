package io.cometgate.policy;

import java.util.Locale;

/** The gateway's own Host header values: {@code name[:port]}, {@code a.b.c.d[:port]}, {@code [v6][:port]}. */
final class HostHeaders {

    private HostHeaders() {
    }

    /** The canonical spelling, or an {@link IllegalArgumentException}. */
    static String canonical(String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            byte[] v6 = close < 0 ? null : IpLiterals.parseIpv6(s.substring(1, close));
            if (v6 == null) {
                throw new IllegalArgumentException("bad IPv6 host '" + raw + "'");
            }
            host = "[" + IpLiterals.format(v6) + "]";
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad host '" + raw + "'");
                }
                port = s.substring(close + 2);
            }
        } else {
            int colon = s.indexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
            if (IpLiterals.parseIpv4(host) == null) {
                host = HostNames.normalize(host);
            }
        }
        return port == null ? host : host + ":" + PortSet.port(port);
    }
}
