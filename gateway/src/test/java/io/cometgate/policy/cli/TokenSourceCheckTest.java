package io.cometgate.policy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code policy check --token-source}: a websockify token entry the policy refuses is an error at its line. */
class TokenSourceCheckTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String... args) {
        CommandLine cl = new CommandLine(new PolicyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    private Path policy() throws Exception {
        return Files.writeString(dir.resolve("vnc.policy"),
                "cometgate-policy 1\nhost 127.0.0.1:6080\norigin none\nallow 127.0.0.1:5900-5901 allow-loopback\n");
    }

    @Test
    void tokenEntriesThePolicyAllowsPass() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "# vnc\nvnc1: 127.0.0.1:5900\nvnc2: 127.0.0.1:5901\n");
        assertEquals(0, check("--token-source", tokens.toString(), policy().toString()), err.toString());
        assertFalse(err.toString().contains("refused"), err.toString());
    }

    @Test
    void anEntryThePolicyRefusesIsReportedAtItsLineAndFailsTheCheck() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "vnc1: 127.0.0.1:5900\n\nssh: 127.0.0.1:22\n");
        assertEquals(2, check("--token-source", tokens.toString(), policy().toString()));
        assertTrue(err.toString().contains(tokens + ":3: token 'ssh' -> 127.0.0.1:22 is refused by " + dir.resolve("vnc.policy")),
                err.toString());
        assertTrue(out.toString().contains("1 error(s)"), out.toString());
    }

    @Test
    void aDirectoryOfTokenFilesIsCheckedFileByFile() throws Exception {
        Path tokens = Files.createDirectory(dir.resolve("tokens.d"));
        Files.writeString(tokens.resolve("a.conf"), "vnc1: 127.0.0.1:5900\n");
        Files.writeString(tokens.resolve("b.conf"), "db: 127.0.0.1:5432\nbroken line\n");
        assertEquals(2, check("--token-source", tokens.toString(), policy().toString()));
        assertTrue(err.toString().contains(tokens.resolve("b.conf") + ":1: token 'db' -> 127.0.0.1:5432 is refused"), err.toString());
        assertTrue(err.toString().contains(tokens.resolve("b.conf") + ":2: expected 'TOKEN: host:port', got 'broken line'"),
                err.toString());
        assertTrue(out.toString().contains("2 error(s)"), out.toString());
    }
}
