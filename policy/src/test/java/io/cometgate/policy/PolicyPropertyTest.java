package io.cometgate.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For random policies and random requests, an ALLOW is always backed by an allow line the
 * request really matches (checked by a deliberately naive oracle), never by a deny line, and
 * always names the requested port and an address the resolver returned.
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
    void noDecisionAllowsATargetOutsideThePolicy(@ForAll("policies") List<Line> lines,
                                                 @ForAll("requests") String target) {
        StringBuilder text = new StringBuilder(Policies.HEADER);
        lines.forEach(l -> text.append(l.text()).append('\n'));
        PolicyEngine engine = Policies.engine(text.toString(), DNS);
        Decision d = Policies.decide(engine, target, "https://app.example.com");
        if (!d.allowed()) {
            return;
        }
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        assertTrue(lines.stream().anyMatch(l -> !l.deny() && covers(l, host, port)), () -> "allowed " + target + " by " + d);
        assertTrue(lines.stream().noneMatch(l -> l.deny() && covers(l, host, port)), () -> "deny lost for " + target);
        assertEquals(port, d.address().getPort());
    }

    @Provide
    Arbitrary<String> requests() {
        return Combinators.combine(Arbitraries.of(REQUEST_HOSTS), Arbitraries.integers().between(1, 70))
                .as((h, p) -> h + ":" + p);
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
