package io.cometgate.policy;

import java.util.Locale;

/** Origin allowlist entries: {@code scheme://host[:port]} exactly as browsers serialise them. */
final class Origins {

    private Origins() {
    }

    /** The canonical entry or an {@link IllegalArgumentException}; {@code null} and {@code none} are kept. */
    static String parse(String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        if (s.equals("null") || s.equals(Policy.NO_ORIGIN)) {
            return s;
        }
        int sep = s.indexOf("://");
        if (sep <= 0 || !s.substring(0, sep).matches("[a-z][a-z0-9+.-]*")) {
            throw new IllegalArgumentException("bad origin '" + raw + "' (expected scheme://host[:port], null or none)");
        }
        String scheme = s.substring(0, sep);
        String rest = s.substring(sep + 3);
        if (rest.contains("/") || rest.contains("?") || rest.contains("#") || rest.contains("*")) {
            throw new IllegalArgumentException("origin '" + raw + "' has a path or pattern; origins are exact"
                    + " scheme://host[:port], e.g. https://app.example.com");
        }
        String host = rest;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || IpLiterals.parseIpv6(rest.substring(1, close)) == null) {
                throw new IllegalArgumentException("bad IPv6 address in origin '" + raw + "'");
            }
            host = null;
            if (close + 1 < rest.length()) {
                if (rest.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad origin '" + raw + "'");
                }
                port = rest.substring(close + 2);
            }
        } else if (rest.contains(":")) {
            host = rest.substring(0, rest.indexOf(':'));
            port = rest.substring(rest.indexOf(':') + 1);
        }
        if (host != null && IpLiterals.parseIpv4(host) == null) {
            HostNames.normalize(host);
            if (host.endsWith(".")) {
                throw new IllegalArgumentException("origin host '" + host + "' ends with '.'");
            }
        }
        if (port != null) {
            int p = PortSet.port(port);
            if ((scheme.equals("https") && p == 443) || (scheme.equals("http") && p == 80)) {
                throw new IllegalArgumentException("browsers omit the default port: write '"
                        + s.substring(0, s.lastIndexOf(':')) + "'");
            }
        }
        return s;
    }
}
