package io.cometgate.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code allow}, {@code deny} and {@code alias} lines of a policy file -> {@link Rule}s, with
 * the lints that catch a rule that can never match (almost always a typo). {@link RuleParser}
 * reads the patterns and options; {@link PolicyParser} reads the file and the other directives.
 */
final class RuleDirectives {

    private final Problems problems;
    private final RuleParser parser;
    private final List<Rule> denies = new ArrayList<>();
    private final List<Rule> allows = new ArrayList<>();
    private final Map<String, Rule> aliases = new LinkedHashMap<>();
    private int firstTokenRuleLine;

    RuleDirectives(Problems problems, RuleParser parser) {
        this.problems = problems;
        this.parser = parser;
    }

    List<Rule> denies() {
        return denies;
    }

    List<Rule> allows() {
        return allows;
    }

    Map<String, Rule> aliases() {
        return aliases;
    }

    /** The first line of a rule with the {@code token} option, 0 if none (a token-key is then needed). */
    int firstTokenRuleLine() {
        return firstTokenRuleLine;
    }

    void allow(int line, List<Token> args, String where) {
        PortSet[] ports = new PortSet[1];
        HostPattern pattern = parser.pattern(line, args.get(0), true, ports);
        Rule.Options options = parser.options(line, args.subList(1, args.size()), false);
        if (pattern == null || options == null) {
            return;
        }
        lintPattern(line, args.get(0).column(), pattern, options);
        parser.lintPorts(line, args.get(0).column(), ports[0]);
        noteToken(line, options);
        allows.add(new Rule(Rule.Kind.ALLOW, null, pattern, ports[0], options, where));
    }

    void deny(int line, List<Token> args, String where) {
        if (args.size() > 1) {
            problems.error(line, args.get(1).column(), "deny takes no options", "deny HOSTPATTERN[:PORTS]");
            return;
        }
        PortSet[] ports = new PortSet[1];
        HostPattern pattern = parser.pattern(line, args.get(0), false, ports);
        if (pattern != null) {
            denies.add(new Rule(Rule.Kind.DENY, null, pattern, ports[0], Rule.Options.NONE, where));
        }
    }

    void alias(int line, List<Token> args, String where) {
        Token nameToken = args.get(0);
        String name = nameToken.text();
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            problems.error(line, nameToken.column(), "bad alias name '" + name + "'",
                    "alias names are lowercase letters, digits, '-' and '_' (no '.' or ':', which mark host:port)");
            return;
        }
        if (aliases.containsKey(name)) {
            problems.error(line, nameToken.column(), "duplicate alias '" + name + "' (first defined at "
                    + aliases.get(name).where() + ")", "rename one of them");
            return;
        }
        Endpoint backend;
        try {
            backend = Endpoint.parse(args.get(1).text());
        } catch (IllegalArgumentException e) {
            problems.error(line, args.get(1).column(), e.getMessage(), "alias NAME HOST:PORT, e.g. alias irc irc.internal:6697");
            return;
        }
        if (!backend.isLiteral() && HostNames.alwaysDenied(backend.host())) {
            problems.error(line, args.get(1).column(), "'" + backend.host() + "' is always denied",
                    "use 127.0.0.1 or [::1] with allow-loopback");
            return;
        }
        Rule.Options options = parser.options(line, args.subList(2, args.size()), true);
        if (options == null) {
            return;
        }
        HostPattern pattern = backend.isLiteral()
                ? new HostPattern.Block(new Cidr(backend.ip(), backend.ip().length * 8))
                : new HostPattern.Exact(backend.host());
        lintPattern(line, args.get(1).column(), pattern, options);
        noteToken(line, options);
        aliases.put(name, new Rule(Rule.Kind.ALIAS, name, pattern,
                PortSet.parse(Integer.toString(backend.port())), options, where));
    }

    /** Explicit address rules that can never allow anything are almost certainly typos. */
    private void lintPattern(int line, int col, HostPattern pattern, Rule.Options options) {
        if (pattern instanceof HostPattern.Exact e && HostNames.alwaysDenied(e.name())) {
            problems.error(line, col, "'" + e.name() + "' is always denied",
                    "use 127.0.0.1 or [::1] with allow-loopback");
        }
        if (pattern instanceof HostPattern.Block b) {
            if (b.cidr().prefix() == 0) {
                problems.error(line, col, "'" + pattern + "' matches every address",
                        "list the networks you mean");
                return;
            }
            var c = new AddressClassifier(Set.of()).classify(b.cidr().network());
            if (!options.permits(c.kind(), false)) {
                problems.warning(line, col, "this rule can never allow anything: " + c,
                        c.kind().alwaysDenied() ? "no option unlocks this range"
                                : "add allow-" + c.kind().label() + " if you really mean it");
            }
        }
    }

    private void noteToken(int line, Rule.Options options) {
        if (options.token() && firstTokenRuleLine == 0) {
            firstTokenRuleLine = line;
        }
    }
}
