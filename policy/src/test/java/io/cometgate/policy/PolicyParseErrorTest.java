package io.cometgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fixture per failure mode under {@code policy/bad/}; each ends with a comment
 * {@code # expect: LINE:COL: message} naming the error it must produce (a trailing
 * {@code " "} after the message's known prefix allows a machine-specific path).
 */
class PolicyParseErrorTest {

    static final Path BAD = Path.of("src/test/resources/policy/bad");

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(BAD)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".policy")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void eachBadFileFailsWithItsOwnLocatedMessage(String name) throws IOException {
        Path file = BAD.resolve(name);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String expect = text.lines().filter(l -> l.startsWith("# expect: ")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no '# expect:' line")).substring(10);
        PolicyParser.Result r = PolicyParser.parse("bad/" + name, file, text);

        assertNull(r.policy(), name + " parsed");
        String wanted = "bad/" + name + ":" + expect;
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::headline).toList();
        assertTrue(errors.stream().anyMatch(e -> wanted.endsWith(" ") ? e.startsWith(wanted.strip()) : e.equals(wanted)),
                () -> "expected " + wanted + "\n got " + errors);
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        PolicyParser.Result r = Policies.parse("cometgate-policy 1\nalow x\nallow *:1\nlimit nope 1\n");
        assertEquals(3, r.problems().stream().filter(Problem::isError).count(), r.problems().toString());
    }

    @Test
    void errorsCarryAHintLine() {
        Problem p = Policies.parse("cometgate-policy 1\nallow a.example.com:443 tsl\n").problems().stream()
                .filter(Problem::isError).findFirst().orElseThrow();
        assertTrue(p.render().contains("hint: options: allow-link-local"), p.render());
    }

    @Test
    void theBaselineSyntaxParsesExactly() {
        Policy p = Policies.policy("""
                cometgate-policy 1
                # comment
                host 127.0.0.1:8080 localhost:8080 [::1]:8080      # Host header allowlist
                origin http://127.0.0.1:8080 http://localhost:8080 # global Origin allowlist
                alias echo 127.0.0.1:65101 allow-loopback          # alias NAME HOST:PORT [options]
                allow 127.0.0.1:7000-7010 allow-loopback           # allow HOSTPATTERN:PORTS [options]
                deny 10.0.0.0/8                                    # deny HOSTPATTERN[:PORTS]
                """);
        assertEquals(3, p.hosts().size());
        assertEquals(2, p.origins().size());
        assertEquals(1, p.aliases().size());
        assertEquals(1, p.allows().size());
        assertEquals("7000-7010", p.allows().get(0).ports().toString());
        assertEquals("10.0.0.0/8", p.denies().get(0).host().toString());
        assertEquals(PortSet.ALL, p.denies().get(0).ports());
        assertTrue(p.warnings().stream().anyMatch(w -> w.message().startsWith("allow-loopback")));
    }

    @Test
    void risksAreWarningsNotErrors() {
        PolicyParser.Result r = Policies.parse(Policies.HEADER
                + "allow *.example.net:20-30\nallow 10.0.0.5:80\nallow 127.0.0.1:80\nalias m 169.254.169.254:80 allow-metadata\n");
        assertFalse(r.policy() == null, r.problems().toString());
        List<String> w = r.problems().stream().map(Problem::headline).toList();
        assertTrue(w.contains("test.policy:4:7: warning: port 20 is on the Fetch standard's bad-port list"), w.toString());
        assertTrue(w.contains("test.policy:6:7: warning: this rule can never allow anything: 127.0.0.1 is loopback"
                + " (127.0.0.0/8 loopback)"), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("test.policy:7:28: warning: allow-metadata")), w.toString());
    }

    @Test
    void aMissingTokenKeyFileIsReportedOnceNotAsAMissingDirective() {
        PolicyParser.Result r = Policies.parse(Policies.HEADER + "token-key no-such-file.key\nalias db 10.0.0.6:5432 token\n");
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::headline).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("test.policy:4:11: cannot read token key "), errors.toString());
    }

    @Test
    void aTooShortTokenKeyIsReportedOnce() {
        PolicyParser.Result r = Policies.parse(Policies.HEADER
                + "token-key src/test/resources/policy/good/short.key\nalias db 10.0.0.6:5432 token\n");
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::message).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("HS256 needs at least 32"), errors.toString());
    }

    @Test
    void problemsAreReportedInFileOrder() {
        // Found in another order: line 3 while reading, line 2 (token rule, no key) and 1 (no host) at the end.
        PolicyParser.Result r = Policies.parse("cometgate-policy 1\nalias db 10.0.0.6:5432 token\nallow *:1\n"
                + "limit nope 1\nallow 127.0.0.1:80\n");
        List<String> where = r.problems().stream().map(p -> p.line() + ":" + p.column()).toList();
        assertEquals(List.of("1:1", "2:1", "3:7", "4:7", "5:7"), where, r.problems().toString());
    }

    @Test
    void theExamplePolicyFilesParse() throws IOException {
        // The demo policy is no longer a file: serve renders it for the addresses it binds (BuiltInDemoPolicy).
        try (Stream<Path> files = Files.walk(Path.of("examples"))) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".policy")).toList();
            assertFalse(all.isEmpty());
            for (Path p : all) {
                PolicyParser.Result r = PolicyParser.check(p);
                assertTrue(r.policy() != null, () -> p + ": " + r.problems());
            }
        }
    }
}
