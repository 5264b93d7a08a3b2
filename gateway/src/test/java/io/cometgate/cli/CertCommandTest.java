package io.cometgate.cli;

import io.cometgate.tls.PemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new CertCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void caThenIssueWritesACertificateSignedByTheCa() throws Exception {
        Path ca = dir.resolve("ca");
        assertEquals(0, run("ca", "--out", ca.toString()), err::toString);
        assertTrue(out.toString().contains("ca.pem"), out::toString);
        Path xmpp = dir.resolve("xmpp");
        assertEquals(0, run("issue", "--ca", ca.toString(), "--name", "xmpp.example.test", "--ip", "127.0.0.1",
                "--out", xmpp.toString(), "--days", "30"), err::toString);
        assertTrue(out.toString().contains("for xmpp.example.test, 127.0.0.1"), out::toString);
        X509Certificate caCert = PemFiles.readCertificates(ca.resolve("ca.pem")).get(0);
        X509Certificate leaf = PemFiles.load(xmpp.resolve("cert.pem"), xmpp.resolve("key.pem")).leaf();
        leaf.verify(caCert.getPublicKey());
        assertEquals("CN=xmpp.example.test", leaf.getSubjectX500Principal().getName());
    }

    @Test
    void selfSignedWritesCertAndKey() throws Exception {
        assertEquals(0, run("self-signed", "--out", dir.toString(), "--name", "dev.test"), err::toString);
        X509Certificate cert = PemFiles.load(dir.resolve("cert.pem"), dir.resolve("key.pem")).leaf();
        cert.verify(cert.getPublicKey());
        assertTrue(out.toString().contains("curl --cacert"), out::toString);
    }

    @Test
    void anExistingFileIsAUsageErrorUnlessForced() {
        assertEquals(0, run("self-signed", "--out", dir.toString()));
        assertEquals(2, run("self-signed", "--out", dir.toString()));
        assertTrue(err.toString().contains("already exists (use --force to overwrite)"), err::toString);
        assertEquals(0, run("self-signed", "--out", dir.toString(), "--force"), err::toString);
    }

    @Test
    void issueWithoutNamesOrWithABadIpIsAUsageError() {
        assertEquals(0, run("ca", "--out", dir.toString()));
        assertEquals(2, run("issue", "--ca", dir.toString(), "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("give at least one --name or --ip"), err::toString);
        assertEquals(2, run("issue", "--ca", dir.toString(), "--ip", "127.1", "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("--ip '127.1' is not a canonical IP address"), err::toString);
        assertEquals(2, run("issue", "--ca", dir.toString(), "--name", "bad name", "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("'bad name' is neither a host name"), err::toString);
        assertFalse(Files.exists(dir.resolve("x").resolve("key.pem")));
    }

    @Test
    void issueFromADirectoryWithoutACaNamesTheMissingFile() {
        assertEquals(2, run("issue", "--ca", dir.resolve("none").toString(), "--name", "a.test",
                "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("ca.pem: file not found"), err::toString);
    }

    @Test
    void missingOptionsAndNoSubcommandAreUsageErrors() {
        assertEquals(2, run("ca"));
        assertEquals(2, run());
        assertTrue(err.toString().contains("Usage:"), err::toString);
        assertEquals(2, run("self-signed", "--out", dir.toString(), "--days", "0"));
    }
}
