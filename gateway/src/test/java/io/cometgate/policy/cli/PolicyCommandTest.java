package io.cometgate.policy.cli;

import io.cometgate.policy.Resolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private CommandLine policyCommand(Resolver resolver) {
        // The explain command answers names from the test's table instead of DNS.
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == ExplainCommand.class ? (K) new ExplainCommand(() -> resolver)
                        : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(new PolicyCommand(), factory);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl;
    }

    @Test
    void checkExitsZeroForAGoodFileAndPrintsItsWarnings() throws Exception {
        Path p = Files.writeString(dir.resolve("ok.policy"),
                "cometgate-policy 1\nhost gw.example.com\nalias echo 127.0.0.1:65101 allow-loopback\n");
        assertEquals(0, run(new PolicyCommand(), "check", p.toString()));
        assertTrue(out.toString().contains(p + ":3:28: warning: allow-loopback"), out.toString());
        assertTrue(out.toString().contains("1 file(s) checked: 0 error(s), 1 warning(s)"), out.toString());
    }

    @Test
    void checkExitsTwoAndPrintsLocatedErrorsWithHints() throws Exception {
        Path good = Files.writeString(dir.resolve("good.policy"), "cometgate-policy 1\nhost gw.example.com\n");
        Path bad = Files.writeString(dir.resolve("bad.policy"), "cometgate-policy 1\nallow a.example.com:443 tsl\n");
        assertEquals(2, run(new PolicyCommand(), "check", good.toString(), bad.toString()));
        assertTrue(err.toString().contains(bad + ":2:25: unknown option 'tsl' (did you mean 'tls'?)"), err.toString());
        assertTrue(err.toString().contains("    hint: options: "), err.toString());
    }

    @Test
    void checkOfAMissingFileIsAnErrorNotACrash() {
        assertEquals(2, run(new PolicyCommand(), "check", dir.resolve("nope.policy").toString()));
        assertTrue(err.toString().contains("nope.policy:1:1: cannot read file"), err.toString());
    }

    @Test
    void checkWithoutFilesIsAUsageError() {
        assertEquals(2, run(new PolicyCommand(), "check"));
    }

    @Test
    void explainShowsDecisionReasonRuleAndEveryAddress() throws Exception {
        Path p = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw\norigin https://app.example.com\n"
                + "allow *.example.net:443\n");
        List<InetAddress> answer = List.of(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34}),
                InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Resolver dns = (host, loop) -> loop.newSucceededFuture(answer);
        int code = policyCommand(dns).execute("explain", "--policy", p.toString(), "--target", "a.example.net:443",
                "--origin", "https://app.example.com", "--client-ip", "203.0.113.5");
        assertEquals(1, code, err.toString());
        String text = out.toString();
        assertTrue(text.contains("decision: DENY"), text);
        assertTrue(text.contains("reason:   denied: address is loopback"), text);
        assertTrue(text.contains("rule:     " + p + ":4"), text);
        assertTrue(text.contains("address:  93.184.216.34 is public (no special range)"), text);
        assertTrue(text.contains("address:  127.0.0.1 is loopback (127.0.0.0/8 loopback)"), text);
    }

    @Test
    void explainOfAnAllowedLiteralExitsZero() throws Exception {
        Path p = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw\norigin none\nallow 8.8.8.8:53\n");
        Resolver none = (host, loop) -> loop.newFailedFuture(new IllegalStateException("no DNS in tests"));
        assertEquals(0, policyCommand(none).execute("explain", "--policy", p.toString(), "--target", "8.8.8.8:53"));
        assertTrue(out.toString().contains("connect:  8.8.8.8 port 53"), out.toString());
    }

    @Test
    void explainWithABadPolicyOrClientIpExitsTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.policy"), "cometgate-policy 1\nallow *:1\n");
        Resolver none = (host, loop) -> loop.newFailedFuture(new IllegalStateException());
        assertEquals(2, policyCommand(none).execute("explain", "--policy", bad.toString(), "--target", "x:1"));
        assertTrue(err.toString().contains(bad + ":2:7: wildcard '*' matches every host"), err.toString());
        Path ok = Files.writeString(dir.resolve("ok.policy"), "cometgate-policy 1\nhost gw\n");
        assertEquals(2, policyCommand(none).execute("explain", "--policy", ok.toString(), "--target", "x:1",
                "--client-ip", "evil.example"));
    }

    @Test
    void checkStrictFailsOnWarningsSuchAsAMissingHostLine() throws Exception {
        Path p = Files.writeString(dir.resolve("nohost.policy"), "cometgate-policy 1\nallow db.example.com:5432\n");
        assertEquals(0, run(new PolicyCommand(), "check", p.toString()), err.toString());
        assertTrue(out.toString().contains(p + ":1:1: warning: no 'host' directive"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(2, run(new PolicyCommand(), "check", "--strict", p.toString()));
        assertTrue(out.toString().contains("0 error(s), 1 warning(s) (--strict: warnings fail)"), out.toString());
        Path clean = Files.writeString(dir.resolve("clean.policy"), "cometgate-policy 1\nhost gw.example.com\n");
        assertEquals(0, run(new PolicyCommand(), "check", "--strict", clean.toString()), out.toString());
    }

    @Test
    void checkReportsAMissingTokenKeyFileOnceAndInLineOrder() throws Exception {
        Path p = Files.writeString(dir.resolve("tok.policy"), "cometgate-policy 1\nalias db 10.0.0.6:5432 token\n"
                + "token-key missing.key\nallow *:1\n");
        assertEquals(2, run(new PolicyCommand(), "check", p.toString()));
        List<String> errors = err.toString().lines().filter(l -> l.startsWith(p.toString())).toList();
        assertEquals(2, errors.size(), err.toString());
        assertTrue(errors.get(0).startsWith(p + ":3:11: cannot read token key "), err.toString());
        assertTrue(errors.get(1).startsWith(p + ":4:7: wildcard"), err.toString());
    }

    @Test
    void explainWithListenDeniesATargetThatIsTheGatewaysOwnListener() throws Exception {
        Path p = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw\norigin none\n"
                + "allow 127.0.0.1:8000-8100 allow-loopback\n");
        Resolver none = (host, loop) -> loop.newFailedFuture(new IllegalStateException("no DNS in tests"));
        assertEquals(0, policyCommand(none).execute("explain", "--policy", p.toString(), "--target", "127.0.0.1:8000",
                "--listen", "127.0.0.1:9000"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(1, policyCommand(none).execute("explain", "--policy", p.toString(), "--target", "127.0.0.1:8000",
                "--listen", "127.0.0.1:9000", "--listen", "127.0.0.1:8000"));
        assertTrue(out.toString().contains("reason:   connect-back: 127.0.0.1:8000 is this gateway's listener 127.0.0.1:8000"),
                out.toString());
        out.getBuffer().setLength(0);
        assertEquals(1, policyCommand(none).execute("explain", "--policy", p.toString(), "--target", "127.0.0.1:8000",
                "--listen", "0.0.0.0:8000"));
        assertTrue(out.toString().contains("reaches this gateway's wildcard listener"), out.toString());
        assertEquals(2, policyCommand(none).execute("explain", "--policy", p.toString(), "--target", "127.0.0.1:8000",
                "--listen", "gw.example:8000"));
        assertTrue(err.toString().contains("--listen: 'gw.example:8000': listen on an IP address, not a name"), err.toString());
    }

    @Test
    void explainWithResolveDecidesOfflineFromTheTable() throws Exception {
        Path p = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw\norigin none\n"
                + "allow *.example.net:443\n");
        // The default factory: without --resolve this command would ask real DNS.
        CommandLine cl = new CommandLine(new PolicyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("explain", "--policy", p.toString(), "--target", "a.example.net:443",
                "--resolve", "a.example.net=93.184.216.34"), err.toString());
        assertTrue(out.toString().contains("connect:  93.184.216.34 port 443"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(1, cl.execute("explain", "--policy", p.toString(), "--target", "a.example.net:443",
                "--resolve", "a.example.net=93.184.216.34", "--resolve", "a.example.net=10.0.0.5"));
        assertTrue(out.toString().contains("reason:   denied: address is private"), out.toString());
        assertTrue(out.toString().contains("address:  10.0.0.5 is private"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(1, cl.execute("explain", "--policy", p.toString(), "--target", "b.example.net:443",
                "--resolve", "a.example.net=93.184.216.34"));
        assertTrue(out.toString().contains("decision: DNS_FAILURE"), out.toString());
    }

    @Test
    void explainWithAMalformedResolveExitsTwo() throws Exception {
        Path p = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw\norigin none\n");
        assertEquals(2, run(new PolicyCommand(), "explain", "--policy", p.toString(), "--target", "a.example.net:443",
                "--resolve", "a.example.net=localhost"));
        assertTrue(err.toString().contains("--resolve: 'a.example.net=localhost': 'localhost' is not a canonical IP address"),
                err.toString());
    }
}
