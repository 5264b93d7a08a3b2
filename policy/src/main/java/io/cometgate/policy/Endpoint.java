package io.cometgate.policy;

/**
 * A concrete {@code host:port}: a normalised name, or a canonical IP literal with its bytes.
 * Parses what pages send and what alias lines name, with one strict grammar for both:
 * {@code name:port}, {@code a.b.c.d:port}, {@code [v6]:port}.
 */
record Endpoint(String host, byte[] ip, int port) {

    static final int MAX_TARGET = 300;

    static Endpoint parse(String text) {
        if (text.length() > MAX_TARGET) {
            throw new IllegalArgumentException("target longer than " + MAX_TARGET + " characters");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPv6]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            byte[] v6 = IpLiterals.parseIpv6(host);
            if (v6 == null) {
                throw new IllegalArgumentException("'" + host + "' is not a canonical IPv6 address (no zone ids)");
            }
            return new Endpoint(IpLiterals.format(v6), v6, PortSet.port(port));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT");
        }
        host = text.substring(0, colon);
        port = text.substring(colon + 1);
        if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses must be in brackets, e.g. [2001:db8::1]:22");
        }
        int p = PortSet.port(port);
        byte[] v4 = IpLiterals.parseIpv4(host);
        if (v4 != null) {
            return new Endpoint(host, v4, p);
        }
        return new Endpoint(HostNames.normalize(host), null, p);
    }

    boolean isLiteral() {
        return ip != null;
    }

    @Override
    public String toString() {
        return (ip != null && ip.length == 16 ? "[" + host + "]" : host) + ":" + port;
    }
}
