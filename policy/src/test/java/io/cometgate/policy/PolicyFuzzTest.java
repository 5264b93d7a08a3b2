package io.cometgate.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz tests. Without {@code JAZZER_FUZZ=1} they run as regression tests over the saved
 * corpus in {@code src/test/resources/io/cometgate/policy/PolicyFuzzTestInputs/}, so CI replays
 * every interesting input; with it, Jazzer explores and adds to the corpus.
 */
class PolicyFuzzTest {

    private static final Path FILE = Path.of("fuzz.policy").toAbsolutePath();

    @FuzzTest(maxDuration = "30s")
    void policyParserNeverThrowsAndEveryProblemIsLocated(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        PolicyParser.Result r = PolicyParser.parse("fuzz.policy", FILE, text);
        boolean errors = r.problems().stream().anyMatch(Problem::isError);
        // A policy comes back exactly when nothing is wrong: never a half-validated one, never none without a reason.
        assertEquals(r.policy() == null, errors, () -> "policy " + r.policy() + " with " + r.problems());
        String[] lines = text.split("\r?\n", -1);
        for (Problem p : r.problems()) {
            assertEquals("fuzz.policy", p.file(), p::headline);
            assertTrue(p.line() >= 1 && p.line() <= Math.max(1, lines.length), p::headline);
            int width = p.line() <= lines.length ? lines[p.line() - 1].length() : 0;
            assertTrue(p.column() >= 1 && p.column() <= width + 1, () -> p.headline() + " (line is " + width + " chars)");
            assertFalse(p.message().isBlank(), p::headline);
            assertTrue(p.headline().startsWith("fuzz.policy:" + p.line() + ":" + p.column() + ": "), p::headline);
        }
        assertEquals(r.problems(), PolicyParser.parse("fuzz.policy", FILE, text).problems(), "same text, same report");
    }

    @FuzzTest(maxDuration = "30s")
    void hostAndAddressParsersAcceptOnlyCanonicalForms(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        byte[] v4 = IpLiterals.parseIpv4(text);
        if (v4 != null) {
            assertEquals(text, IpLiterals.format(v4), "IPv4 accepted a non-canonical spelling");
        }
        byte[] v6 = IpLiterals.parseIpv6(text);
        if (v6 != null) {
            assertEquals(16, v6.length);
            assertTrue(java.util.Arrays.equals(v6, IpLiterals.parseIpv6(IpLiterals.format(v6))), "format round-trip");
        }
        try {
            Endpoint e = Endpoint.parse(text);
            assertTrue(e.port() >= 1 && e.port() <= 65535);
            if (e.ip() == null) {
                String n = e.host();
                assertTrue(n.matches("[a-z0-9.-]{1,253}") && !HostNames.looksNumeric(n.substring(n.lastIndexOf('.') + 1)), n);
            }
            assertEquals(e.toString(), Endpoint.parse(e.toString()).toString(), "target round-trip");
        } catch (IllegalArgumentException expected) {
            // rejected input: fine, as long as nothing else was thrown
        }
        try {
            HostPort hp = HostPort.parse(text, 0);
            assertTrue(hp.port() == HostPort.NO_PORT || (hp.port() >= 0 && hp.port() <= 65535));
            assertTrue(!hp.bracketed() || hp.ip() != null, "brackets hold only IPv6 literals");
            if (hp.hasPort()) {
                assertTrue(text.endsWith(":" + hp.port()), "the port is the text after the last colon");
            }
        } catch (IllegalArgumentException expected) {
            // rejected input
        }
    }
}
