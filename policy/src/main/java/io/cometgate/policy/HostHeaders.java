package io.cometgate.policy;

import java.util.Locale;

/** The gateway's own Host header values: {@code name[:port]}, {@code a.b.c.d[:port]}, {@code [v6][:port]}. */
final class HostHeaders {

    private HostHeaders() {
    }

    /** The canonical spelling, or an {@link IllegalArgumentException}. */
    static String canonical(String raw) {
        HostPort hp = HostPort.parse(raw.toLowerCase(Locale.ROOT), 1);
        String host;
        if (hp.bracketed()) {
            host = "[" + IpLiterals.format(hp.ip()) + "]";
        } else if (IpLiterals.parseIpv4(hp.host()) != null) {
            host = hp.host();
        } else {
            host = HostNames.normalize(hp.host());
        }
        return hp.hasPort() ? host + ":" + hp.port() : host;
    }
}
