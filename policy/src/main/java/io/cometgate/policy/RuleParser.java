package io.cometgate.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the target and option words of {@code allow}, {@code deny} and {@code alias} lines.
 * Reports into {@link Problems} and returns {@code null} for anything it cannot use.
 */
final class RuleParser {

    /** Option name -> whether it takes a value. */
    static final Map<String, Boolean> OPTIONS = Map.ofEntries(
            Map.entry("tls", false), Map.entry("tls-insecure", false), Map.entry("ca", true),
            Map.entry("server-name", true), Map.entry("connect-timeout", true),
            Map.entry("proxy-protocol", true), Map.entry("webirc-password-file", true),
            Map.entry("origin", true), Map.entry("token", false), Map.entry("allow-private", false),
            Map.entry("allow-loopback", false), Map.entry("allow-link-local", false),
            Map.entry("allow-metadata", false), Map.entry("client-cert", true));

    /** Ports the Fetch standard blocks because other protocols listen there (cross-protocol risk). */
    static final Set<Integer> BAD_PORTS = Set.of(1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42,
            43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135,
            137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554,
            556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060,
            5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080);

    private final Problems problems;
    private final Path baseDir;

    RuleParser(Problems problems, Path baseDir) {
        this.problems = problems;
        this.baseDir = baseDir;
    }

    /** A pattern, or null. {@code ports[0]} receives the port set (ALL if optional and absent). */
    HostPattern pattern(int line, Token t, boolean portsRequired, PortSet[] ports) {
        String text = t.text();
        String host;
        String portText = null;
        int portCol;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                problems.error(line, t.column(), "missing ']' after IPv6 address", "write [2001:db8::1]:22");
                return null;
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            portCol = t.column() + close + 2;
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    problems.error(line, portCol - 1, "expected ':' and ports after ']'", null);
                    return null;
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
            portCol = t.column() + colon + 1;
            if (host.indexOf(':') >= 0) {
                problems.error(line, t.column(), "IPv6 addresses must be in brackets",
                        "write [2001:db8::1]:22 or [2001:db8::/32]:443");
                return null;
            }
        }
        if (portText == null) {
            if (portsRequired) {
                problems.error(line, t.column() + text.length(), "missing ports after '" + text + "'",
                        "allow rules name their ports: " + text + ":443, :80,443 or :8000-8100");
                return null;
            }
            ports[0] = PortSet.ALL;
        } else {
            try {
                ports[0] = PortSet.parse(portText);
            } catch (IllegalArgumentException e) {
                problems.error(line, portCol, e.getMessage(), null);
                return null;
            }
        }
        return host(line, t.column() + (text.startsWith("[") ? 1 : 0), host, text.startsWith("["));
    }

    private HostPattern host(int line, int col, String host, boolean bracketed) {
        try {
            if (host.startsWith("*")) {
                return wildcard(line, col, host);
            }
            if (host.contains("/") || IpLiterals.parseIpv4(host) != null || bracketed) {
                Cidr cidr = Cidr.parse(host);
                if (cidr.isIpv6() != bracketed) {
                    problems.error(line, col, bracketed ? "an IPv4 address in brackets"
                            : "IPv6 addresses must be in brackets", null);
                    return null;
                }
                return new HostPattern.Block(cidr);
            }
            return new HostPattern.Exact(HostNames.normalize(host));
        } catch (IllegalArgumentException e) {
            problems.error(line, col, e.getMessage(), null);
            return null;
        }
    }

    private HostPattern wildcard(int line, int col, String host) {
        if (host.equals("*") || host.equals("*.") || host.equals("*.*")) {
            problems.error(line, col, "wildcard '" + host + "' matches every host",
                    "list the domains you mean, e.g. *.example.com:443");
            return null;
        }
        if (!host.startsWith("*.") || host.indexOf('*', 1) >= 0) {
            problems.error(line, col, "only a leading '*.' wildcard is supported, found '" + host + "'",
                    "write *.example.com (matches a.example.com, never example.com itself)");
            return null;
        }
        String suffix = HostNames.normalize(host.substring(2));
        if (!suffix.contains(".")) {
            problems.error(line, col, "wildcard '" + host + "' covers a whole top-level domain",
                    "name a registered domain, e.g. *.example." + suffix);
            return null;
        }
        return new HostPattern.Wildcard(suffix);
    }

    /** Options after the target; {@code null} if any is unusable. */
    Rule.Options options(int line, List<Token> words, boolean alias) {
        List<String> origins = new ArrayList<>();
        List<String> clientCerts = new ArrayList<>();
        boolean token = false;
        boolean allowPrivate = false;
        boolean allowLoopback = false;
        boolean allowLinkLocal = false;
        boolean allowMetadata = false;
        boolean tls = false;
        boolean tlsInsecure = false;
        String serverName = null;
        Path ca = null;
        Path webirc = null;
        String proxyProtocol = null;
        Duration connectTimeout = TargetOptions.DEFAULT.connectTimeout();
        boolean ok = true;
        for (Token w : words) {
            int eq = w.text().indexOf('=');
            String key = eq < 0 ? w.text() : w.text().substring(0, eq);
            String value = eq < 0 ? null : w.text().substring(eq + 1);
            int valueCol = w.column() + eq + 1;
            Boolean takesValue = OPTIONS.get(key);
            if (takesValue == null) {
                problems.error(line, w.column(), "unknown option '" + key + "'"
                        + Suggest.didYouMean(key, OPTIONS.keySet()), "options: " + String.join(", ",
                        new java.util.TreeSet<>(OPTIONS.keySet())));
                ok = false;
                continue;
            }
            if (takesValue && (value == null || value.isEmpty())) {
                problems.error(line, w.column(), "option '" + key + "' needs a value", "write " + key + "=...");
                ok = false;
                continue;
            }
            if (!takesValue && value != null) {
                problems.error(line, w.column(), "option '" + key + "' takes no value", "write just " + key);
                ok = false;
                continue;
            }
            try {
                switch (key) {
                    case "tls" -> tls = true;
                    case "tls-insecure" -> {
                        tlsInsecure = true;
                        problems.warning(line, w.column(), "tls-insecure skips backend certificate checks",
                                "use ca=FILE with the backend's CA instead");
                    }
                    case "ca" -> ca = existingFile(value);
                    case "server-name" -> serverName = HostNames.normalize(value);
                    case "connect-timeout" -> {
                        connectTimeout = Durations.parse(value);
                        if (connectTimeout.isZero() || connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                            throw new IllegalArgumentException("connect-timeout must be between 1ms and 5m");
                        }
                    }
                    case "proxy-protocol" -> {
                        if (!value.equals("v1") && !value.equals("v2")) {
                            throw new IllegalArgumentException("proxy-protocol must be v1 or v2, not '" + value + "'");
                        }
                        proxyProtocol = value;
                    }
                    case "webirc-password-file" -> webirc = existingFile(value);
                    case "origin" -> {
                        for (String o : value.split(",", -1)) {
                            origins.add(Origins.parse(o));
                        }
                    }
                    case "token" -> token = true;
                    case "client-cert" -> clientCerts.addAll(ClientCertCondition.parse(value));
                    case "allow-private" -> allowPrivate = true;
                    case "allow-loopback" -> {
                        allowLoopback = true;
                        problems.warning(line, w.column(), "allow-loopback lets pages reach services on the"
                                + " gateway host", "fine for demos and sidecars; keep the ports exact");
                    }
                    case "allow-link-local" -> {
                        allowLinkLocal = true;
                        problems.warning(line, w.column(), "allow-link-local lets pages reach link-local"
                                + " addresses (169.254/16, fe80::/10)", null);
                    }
                    case "allow-metadata" -> {
                        allowMetadata = true;
                        problems.warning(line, w.column(), "allow-metadata lets pages reach cloud metadata"
                                + " services, which hand out credentials", "almost never what you want");
                    }
                    default -> throw new IllegalStateException(key);
                }
            } catch (IllegalArgumentException e) {
                problems.error(line, eq < 0 ? w.column() : valueCol, e.getMessage(), null);
                ok = false;
            }
        }
        if (ca != null && !tls) {
            problems.error(line, words.get(0).column(), "ca= needs tls", "add the tls option");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        return new Rule.Options(List.copyOf(origins), token, allowPrivate, allowLoopback, allowLinkLocal,
                allowMetadata, serverName,
                new TargetOptions(connectTimeout, tls, ca, tlsInsecure, proxyProtocol, webirc), List.copyOf(clientCerts));
    }

    private Path existingFile(String value) {
        Path p = baseDir.resolve(value).normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("file not found: " + p);
        }
        return p;
    }

    /** Warns about ports in the Fetch standard's bad-port list (cross-protocol attacks). */
    void lintPorts(int line, int col, PortSet ports) {
        for (int[] r : ports.ranges()) {
            for (int p = r[0]; p <= r[1]; p++) {
                if (BAD_PORTS.contains(p)) {
                    problems.warning(line, col, "port " + p + " is on the Fetch standard's bad-port list",
                            "pages could speak another protocol to it; prefer an alias, an exact port or 'token'");
                    return;
                }
            }
        }
    }
}
