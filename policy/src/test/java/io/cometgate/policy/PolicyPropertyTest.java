package io.cometgate.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For random policies and random requests, the engine agrees with a deliberately naive oracle
 * both ways: a request is allowed exactly when an allow line covers it and no deny line does,
 * and an ALLOW names the requested port and the address the resolver returned (or the literal).
 * Coverage checks make sure both verdicts really occur, so a policy engine that denied
 * everything (or allowed everything) could not pass.
 */
class PolicyPropertyTest {

    record Line(boolean deny, String host, int lo, int hi) {
        String text() {
            return (deny ? "deny " : "allow ") + host + ":" + lo + "-" + hi;
        }
    }

    private static final List<String> RULE_HOSTS = List.of("a.example.net", "b.example.net", "*.example.net",
            "*.example.org", "8.8.8.8", "8.8.4.0/24", "1.1.1.1", "[2606:4700::/32]", "*.a.example.net");
    private static final List<String> REQUEST_HOSTS = List.of("a.example.net", "b.example.net", "c.example.net",
            "x.a.example.net", "example.net", "q.example.org", "example.org", "8.8.8.8", "8.8.4.4", "8.8.5.1",
            "1.1.1.1", "1.1.1.2", "[2606:4700::1]", "[2001:4860::1]", "evil.com");

    private static final FakeResolver DNS = new FakeResolver();

    static {
        for (String h : REQUEST_HOSTS) {
            if (Character.isLetter(h.charAt(0))) {
                DNS.answer(h, "93.184.216." + (Math.abs(h.hashCode()) % 200 + 1));
            }
        }
    }

    @Provide
    Arbitrary<List<Line>> policies() {
        Arbitrary<Line> line = Combinators.combine(Arbitraries.of(true, false, false, false),
                        Arbitraries.of(RULE_HOSTS), Arbitraries.integers().between(1, 40), Arbitraries.integers().between(0, 20))
                .as((deny, host, lo, width) -> new Line(deny, host, lo, lo + width));
        return line.list().ofMinSize(0).ofMaxSize(8);
    }

    @Property(tries = 400)
    void aRequestIsAllowedExactlyWhenAnAllowLineAndNoDenyLineCoversIt(@ForAll("cases") Case example) {
        List<Line> lines = example.lines();
        String target = example.target();
        StringBuilder text = new StringBuilder(Policies.HEADER);
        lines.forEach(l -> text.append(l.text()).append('\n'));
        PolicyEngine engine = Policies.engine(text.toString(), DNS);
        Decision d = Policies.decide(engine, target, "https://app.example.com");
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        boolean expected = lines.stream().anyMatch(l -> !l.deny() && covers(l, host, port))
                && lines.stream().noneMatch(l -> l.deny() && covers(l, host, port));
        Statistics.label("verdict").collect(d.verdict());
        Statistics.label("verdict").coverage(c -> {
            c.check(Decision.Verdict.ALLOW).count(n -> n >= 20);
            c.check(Decision.Verdict.DENY).count(n -> n >= 20);
        });
        assertEquals(expected, d.allowed(), () -> target + " under " + lines + ": " + d);
        if (d.allowed()) {
            assertEquals(port, d.address().getPort());
            assertEquals(expectedAddress(host), d.address().getAddress(), d::toString);
            assertTrue(d.rule().startsWith("test.policy:"), d::toString);
        } else {
            assertNull(d.address(), "a refusal names no address to connect to");
        }
    }

    /** A literal connects to itself; a name to the single answer the table gives for it. */
    private static InetAddress expectedAddress(String host) {
        try {
            if (host.startsWith("[")) {
                return InetAddress.getByAddress(IpLiterals.parseIpv6(host.substring(1, host.length() - 1)));
            }
            byte[] v4 = IpLiterals.parseIpv4(host);
            if (v4 != null) {
                return InetAddress.getByAddress(v4);
            }
            return InetAddress.getByAddress(IpLiterals.parseIpv4(
                    "93.184.216." + (Math.abs(host.hashCode()) % 200 + 1)));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A policy and one request; half the requests aim inside one of the policy's allow lines. */
    record Case(List<Line> lines, String target) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return policies().flatMap(lines -> Arbitraries.oneOf(requests(), requestsInside(lines))
                .map(target -> new Case(lines, target)));
    }

    Arbitrary<String> requests() {
        return Combinators.combine(Arbitraries.of(REQUEST_HOSTS), Arbitraries.integers().between(1, 70))
                .as((h, p) -> h + ":" + p);
    }

    /** A host:port some allow line of {@code lines} covers (by the oracle), or any request if none can. */
    private Arbitrary<String> requestsInside(List<Line> lines) {
        List<String> inside = new ArrayList<>();
        for (Line l : lines) {
            for (String h : REQUEST_HOSTS) {
                if (!l.deny() && covers(l, h, l.lo())) {
                    for (int port = l.lo(); port <= l.hi(); port++) {
                        inside.add(h + ":" + port);
                    }
                }
            }
        }
        return inside.isEmpty() ? requests() : Arbitraries.of(inside);
    }

    /** The naive oracle: string suffixes and a hand-listed set of block memberships. */
    private static boolean covers(Line l, String host, int port) {
        if (port < l.lo() || port > l.hi()) {
            return false;
        }
        String h = l.host();
        if (h.startsWith("*.")) {
            return host.endsWith(h.substring(1));
        }
        return switch (h) {
            case "8.8.4.0/24" -> host.startsWith("8.8.4.");
            case "[2606:4700::/32]" -> host.startsWith("[2606:4700:");
            default -> h.equals(host);
        };
    }
}
