package io.cometgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serve command's refusals: each names the problem on one line and exits with the documented code. */
class ServeCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("serve", "--lissen", "127.0.0.1:1"));
        assertTrue(err.toString().contains("--lissen"), err.toString());
    }

    @Test
    void aListenAddressThatIsNotAnIpIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("serve", "--listen", "example.com:80"));
        assertTrue(err.toString().contains("listen on an IP address"), err.toString());
    }

    @Test
    void anUnknownTransportIsAUsageErrorNamingTheKnownOnes() {
        assertEquals(ExitCodes.USAGE, run("serve", "--transports", "websocket,carrier-pigeon"));
        assertTrue(err.toString().contains("unknown transport 'carrier-pigeon'"), err.toString());
        assertTrue(err.toString().contains("xhr-streaming"), err.toString());
    }

    @Test
    void aPolicyWithErrorsIsAUsageErrorWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("bad.policy");
        Files.writeString(policy, "cometgate-policy 1\nallow 10.0.0.0/33:80\n");
        assertEquals(ExitCodes.USAGE, run("serve", "--policy", policy.toString(), "--listen", "127.0.0.1:0"));
        assertTrue(err.toString().contains("bad.policy:2:"), err.toString());
    }

    @Test
    void aTakenPortIsARuntimeFailure(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("ok.policy");
        Files.writeString(policy, "cometgate-policy 1\nhost 127.0.0.1:8080\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("serve", "--policy", policy.toString(), "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(ExitCodes.RUNTIME, code);
            assertEquals("cometgate serve: 127.0.0.1:" + taken.getLocalPort() + " is already in use: stop the other "
                    + "process or pass --listen HOST:PORT", err.toString().strip());
        }
    }

    @Test
    void aTakenPortWithoutAPolicyNamesTheAddressAndTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("serve", "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(ExitCodes.RUNTIME, code);
            assertTrue(err.toString().contains("127.0.0.1:" + taken.getLocalPort() + " is already in use: stop the other "
                    + "process or pass --listen HOST:PORT"), err.toString());
        }
    }

    @Test
    void tlsListenersNeedACertificateSource() {
        assertEquals(ExitCodes.USAGE, run("serve", "--tls-listen", "127.0.0.1:0"));
        assertTrue(err.toString().contains("--tls-self-signed"), err.toString());
    }

    @Test
    void versionAndHelpExitZero() {
        assertEquals(ExitCodes.OK, run("--version"));
        assertTrue(out.toString().contains("protocol v1"), out.toString());
        assertEquals(ExitCodes.OK, run("serve", "--help"));
        assertTrue(out.toString().contains("--policy"), out.toString());
    }
}
