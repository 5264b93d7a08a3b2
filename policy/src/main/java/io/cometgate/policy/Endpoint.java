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
        HostPort hp = HostPort.parse(text, 1);
        if (!hp.bracketed() && hp.host().indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses must be in brackets, e.g. [2001:db8::1]:22");
        }
        if (!hp.hasPort()) {
            throw new IllegalArgumentException(hp.bracketed() ? "expected [IPv6]:PORT" : "expected HOST:PORT");
        }
        byte[] ip = hp.ip();
        if (hp.bracketed()) {
            return new Endpoint(IpLiterals.format(ip), ip, hp.port());
        }
        return ip != null ? new Endpoint(hp.host(), ip, hp.port()) : new Endpoint(HostNames.normalize(hp.host()), null, hp.port());
    }

    boolean isLiteral() {
        return ip != null;
    }

    @Override
    public String toString() {
        return (ip != null && ip.length == 16 ? "[" + host + "]" : host) + ":" + port;
    }
}
