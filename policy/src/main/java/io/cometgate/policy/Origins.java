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
        HostPort hp;
        try {
            hp = HostPort.parse(rest, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad origin '" + raw + "': " + e.getMessage());
        }
        if (!hp.bracketed()) {
            if (hp.host().indexOf(':') >= 0) {
                throw new IllegalArgumentException("bad origin '" + raw + "': IPv6 addresses must be in brackets");
            }
            if (IpLiterals.parseIpv4(hp.host()) == null) {
                HostNames.normalize(hp.host());
                if (hp.host().endsWith(".")) {
                    throw new IllegalArgumentException("origin host '" + hp.host() + "' ends with '.'");
                }
            }
        }
        if (hp.hasPort()) {
            int p = hp.port();
            if ((scheme.equals("https") && p == 443) || (scheme.equals("http") && p == 80)) {
                throw new IllegalArgumentException("browsers omit the default port: write '"
                        + s.substring(0, s.lastIndexOf(':')) + "'");
            }
        }
        return s;
    }
}
