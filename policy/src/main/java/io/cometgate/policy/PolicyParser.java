package io.cometgate.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Text -> validated {@link Policy}. Reads the whole file, reports every problem with
 * {@code file:line:col}, and returns a policy only when there are no errors. The address
 * rules ({@code allow}, {@code deny}, {@code alias}) are {@link RuleDirectives}'; the rest is here.
 */
final class PolicyParser {

    static final String VERSION_LINE = "cometgate-policy";
    static final int VERSION = 1;
    static final long MAX_FILE_BYTES = 1 << 20;

    static final Set<String> DIRECTIVES = Set.of("host", "origin", "alias", "allow", "deny", "limit",
            "trusted-proxy", "token-key", "aliases-only", "close-disallowed-on-reload", "dns-timeout");

    static final List<String> LIMITS = List.of("max-sessions", "max-sessions-per-ip",
            "max-sessions-per-origin", "max-channels-per-session", "opens-per-ip-per-minute",
            "max-connections-per-target", "channel-idle-timeout", "channel-max-lifetime");

    private final Problems problems;
    private final RuleDirectives rules;
    private final Path file;
    private final Set<String> hosts = new LinkedHashSet<>();
    private final Set<String> origins = new LinkedHashSet<>();
    private final Map<String, Object> limits = new HashMap<>();
    private final List<Cidr> trustedProxies = new ArrayList<>();
    private byte[] tokenKey;
    private int tokenKeyLine;
    private int hostLine;
    private boolean aliasesOnly;
    private boolean closeOnReload;
    private Duration dnsTimeout;

    private PolicyParser(String displayName, Path file) {
        this.problems = new Problems(displayName);
        this.file = file;
        Path dir = file.toAbsolutePath().getParent();
        this.rules = new RuleDirectives(problems, new RuleParser(problems, dir == null ? Path.of(".") : dir));
    }

    /** Reads and validates a file; relative paths inside resolve against its directory. */
    static Policy load(Path file) throws PolicyException {
        Result r = check(file);
        if (r.policy() == null) {
            throw new PolicyException(r.problems());
        }
        return r.policy();
    }

    /** Every problem in the file, plus the policy when there are no errors. */
    record Result(Policy policy, List<Problem> problems) {
    }

    static Result check(Path file) {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return failed(name, "file larger than " + MAX_FILE_BYTES + " bytes");
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return parse(name, file, text);
        } catch (IOException e) {
            return failed(name, "cannot read file: " + e);
        }
    }

    private static Result failed(String name, String message) {
        Problems p = new Problems(name);
        p.error(1, 1, message, null);
        return new Result(null, p.all());
    }

    static Result parse(String displayName, Path file, String text) {
        PolicyParser parser = new PolicyParser(displayName, file);
        Policy policy = parser.run(text);
        return new Result(policy, parser.problems.all());
    }

    private Policy run(String text) {
        String[] lines = text.split("\r?\n", -1);
        boolean versionSeen = false;
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            String raw = lines[i];
            int bad = firstControl(raw);
            if (bad >= 0) {
                problems.error(line, bad + 1, "control character in line", "save the file as plain UTF-8 text");
                continue;
            }
            List<Token> words = Token.split(raw);
            if (words.isEmpty()) {
                continue;
            }
            Token head = words.get(0);
            if (!versionSeen) {
                versionSeen = true;
                if (!version(line, words)) {
                    return null; // an unknown format version: nothing else can be trusted
                }
                continue;
            }
            directive(line, head, words.subList(1, words.size()));
        }
        if (!versionSeen) {
            problems.error(1, 1, "empty policy: the first line must be '" + VERSION_LINE + " " + VERSION + "'", null);
        }
        return finish();
    }

    private boolean version(int line, List<Token> words) {
        Token head = words.get(0);
        if (!head.text().equals(VERSION_LINE)) {
            problems.error(line, head.column(), "the first line must be '" + VERSION_LINE + " " + VERSION + "'",
                    "add the version line at the top of the file");
            return false;
        }
        if (words.size() != 2 || !words.get(1).text().equals(Integer.toString(VERSION))) {
            int col = words.size() > 1 ? words.get(1).column() : head.column() + head.text().length();
            problems.error(line, col, "unsupported policy version" + (words.size() > 1
                    ? " '" + words.get(1).text() + "'" : "") + ": this gateway reads version " + VERSION, null);
            return false;
        }
        return true;
    }

    private void directive(int line, Token head, List<Token> args) {
        String name = head.text();
        String where = problems.file() + ":" + line;
        switch (name) {
            case "host" -> requireArgs(line, head, args, 1, () -> args.forEach(t -> hostEntry(line, t)));
            case "origin" -> requireArgs(line, head, args, 1, () -> args.forEach(t -> origin(line, t, origins)));
            case "allow" -> requireArgs(line, head, args, 1, () -> rules.allow(line, args, where));
            case "deny" -> requireArgs(line, head, args, 1, () -> rules.deny(line, args, where));
            case "alias" -> requireArgs(line, head, args, 2, () -> rules.alias(line, args, where));
            case "limit" -> exactArgs(line, head, args, 2, () -> limit(line, args));
            case "trusted-proxy" -> requireArgs(line, head, args, 1, () -> args.forEach(t -> proxy(line, t)));
            case "token-key" -> exactArgs(line, head, args, 1, () -> tokenKey(line, args.get(0)));
            case "dns-timeout" -> exactArgs(line, head, args, 1, () -> dnsTimeout(line, args.get(0)));
            case "aliases-only" -> exactArgs(line, head, args, 0, () -> aliasesOnly = true);
            case "close-disallowed-on-reload" -> exactArgs(line, head, args, 0, () -> closeOnReload = true);
            case VERSION_LINE -> problems.error(line, head.column(), "second version line", "keep only the first");
            default -> problems.error(line, head.column(), "unknown directive '" + name + "'"
                    + Suggest.didYouMean(name, DIRECTIVES), "directives: " + String.join(", ",
                    new java.util.TreeSet<>(DIRECTIVES)));
        }
    }

    private void requireArgs(int line, Token head, List<Token> args, int min, Runnable then) {
        if (args.size() < min) {
            problems.error(line, head.column() + head.text().length(), "'" + head.text() + "' needs "
                    + (min == 1 ? "an argument" : "at least " + min + " arguments"), usage(head.text()));
            return;
        }
        then.run();
    }

    private void exactArgs(int line, Token head, List<Token> args, int count, Runnable then) {
        if (args.size() != count) {
            int col = args.size() > count ? args.get(count).column() : head.column() + head.text().length();
            problems.error(line, col, "'" + head.text() + "' takes " + count + " argument" + (count == 1 ? "" : "s"),
                    usage(head.text()));
            return;
        }
        then.run();
    }

    private static String usage(String directive) {
        return switch (directive) {
            case "host" -> "host HOST[:PORT]... (the gateway's own names)";
            case "origin" -> "origin https://app.example.com ...";
            case "allow" -> "allow HOSTPATTERN:PORTS [options]";
            case "deny" -> "deny HOSTPATTERN[:PORTS]";
            case "alias" -> "alias NAME HOST:PORT [options]";
            case "limit" -> "limit NAME VALUE, NAME one of " + String.join(", ", LIMITS);
            case "trusted-proxy" -> "trusted-proxy CIDR...";
            case "token-key" -> "token-key FILE";
            case "dns-timeout" -> "dns-timeout 5s";
            default -> directive + " (no arguments)";
        };
    }

    private void hostEntry(int line, Token t) {
        hostLine = hostLine == 0 ? line : hostLine;
        try {
            hosts.add(HostHeaders.canonical(t.text()));
        } catch (IllegalArgumentException e) {
            problems.error(line, t.column(), e.getMessage(), "write host names as NAME[:PORT], a.b.c.d[:PORT] or [v6][:PORT]");
        }
    }

    private void origin(int line, Token t, Set<String> into) {
        for (String o : t.text().split(",", -1)) {
            try {
                into.add(Origins.parse(o));
            } catch (IllegalArgumentException e) {
                problems.error(line, t.column(), e.getMessage(), null);
            }
        }
    }

    private void limit(int line, List<Token> args) {
        Token name = args.get(0);
        Token value = args.get(1);
        if (!LIMITS.contains(name.text())) {
            problems.error(line, name.column(), "unknown limit '" + name.text() + "'"
                    + Suggest.didYouMean(name.text(), LIMITS), "limits: " + String.join(", ", LIMITS));
            return;
        }
        if (limits.containsKey(name.text())) {
            problems.error(line, name.column(), "limit '" + name.text() + "' set twice", "keep one");
            return;
        }
        try {
            if (name.text().startsWith("channel-")) {
                limits.put(name.text(), Durations.parse(value.text()));
            } else {
                if (!value.text().matches("[1-9][0-9]{0,8}")) {
                    throw new IllegalArgumentException("limit must be a whole number 1-999999999, not '"
                            + value.text() + "'");
                }
                limits.put(name.text(), Integer.parseInt(value.text()));
            }
        } catch (IllegalArgumentException e) {
            problems.error(line, value.column(), e.getMessage(), null);
        }
    }

    private void proxy(int line, Token t) {
        String text = t.text();
        boolean bracketed = text.startsWith("[") && text.endsWith("]");
        try {
            trustedProxies.add(Cidr.parse(bracketed ? text.substring(1, text.length() - 1) : text));
        } catch (IllegalArgumentException e) {
            problems.error(line, t.column(), e.getMessage(), "trusted-proxy 10.0.0.0/8 or 2001:db8::/32");
        }
    }

    private void tokenKey(int line, Token t) {
        if (tokenKeyLine != 0) {
            problems.error(line, t.column(), "token-key set twice", "keep one");
            return;
        }
        // The directive is there even if its file is unreadable: that one error says so, and
        // token rules must not draw a second, wrong "no token-key directive" error.
        tokenKeyLine = line;
        Path p = file.toAbsolutePath().getParent().resolve(t.text()).normalize();
        try {
            byte[] key = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip()
                    .getBytes(StandardCharsets.UTF_8);
            if (key.length < 32) {
                problems.error(line, t.column(), "token key in " + p + " is " + key.length
                        + " bytes; HS256 needs at least 32", "e.g. head -c 32 /dev/urandom | base64 > " + t.text());
                return;
            }
            tokenKey = key;
        } catch (IOException e) {
            problems.error(line, t.column(), "cannot read token key " + p + ": " + e.getClass().getSimpleName(), null);
        }
    }

    private void dnsTimeout(int line, Token t) {
        try {
            Duration d = Durations.parse(t.text());
            if (d.isZero() || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("dns-timeout must be between 1ms and 1m");
            }
            dnsTimeout = d;
        } catch (IllegalArgumentException e) {
            problems.error(line, t.column(), e.getMessage(), null);
        }
    }

    private Policy finish() {
        int firstTokenRuleLine = rules.firstTokenRuleLine();
        if (firstTokenRuleLine > 0 && tokenKeyLine == 0) {
            problems.error(firstTokenRuleLine, 1, "rule requires a token but there is no token-key directive",
                    "add: token-key FILE (a file holding at least 32 bytes of secret)");
        }
        if (tokenKey != null && firstTokenRuleLine == 0) {
            problems.warning(tokenKeyLine, 1, "token-key is set but no rule has the token option", null);
        }
        if (hostLine == 0) {
            problems.warning(1, 1, "no 'host' directive: every request to the gateway will be refused",
                    "add: host gateway.example.com");
        }
        if (aliasesOnly && !rules.allows().isEmpty()) {
            problems.warning(Integer.parseInt(rules.allows().get(0).where().substring(problems.file().length() + 1)), 1,
                    "allow rules do nothing under aliases-only", "remove them or drop aliases-only");
        }
        if (problems.hasErrors()) {
            return null;
        }
        Limits d = Limits.DEFAULT;
        Limits l = new Limits(
                (Integer) limits.getOrDefault("max-sessions", d.maxSessions()),
                (Integer) limits.getOrDefault("max-sessions-per-ip", d.maxSessionsPerIp()),
                (Integer) limits.getOrDefault("max-sessions-per-origin", d.maxSessionsPerOrigin()),
                (Integer) limits.getOrDefault("max-channels-per-session", d.maxChannelsPerSession()),
                (Integer) limits.getOrDefault("opens-per-ip-per-minute", d.opensPerIpPerMinute()),
                (Integer) limits.getOrDefault("max-connections-per-target", d.maxConnectionsPerTarget()),
                (Duration) limits.getOrDefault("channel-idle-timeout", d.channelIdleTimeout()),
                (Duration) limits.getOrDefault("channel-max-lifetime", d.channelMaxLifetime()));
        return new Policy(file, Set.copyOf(hosts), Set.copyOf(origins), List.copyOf(rules.denies()), List.copyOf(rules.allows()),
                Map.copyOf(rules.aliases()), l, List.copyOf(trustedProxies), tokenKey, aliasesOnly, closeOnReload,
                dnsTimeout == null ? Policy.DEFAULT_DNS_TIMEOUT : dnsTimeout, problems.warnings());
    }

    private static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\t' && (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\ufeff' && i > 0)) {
                return i;
            }
        }
        return -1;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
