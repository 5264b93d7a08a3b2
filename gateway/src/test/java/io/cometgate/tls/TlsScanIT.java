package io.cometgate.tls;

import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An outside view of the HTTPS listener: sslscan (OpenSSL-based, so not the JDK checking
 * itself) must find TLS 1.2 and 1.3 only, AEAD suites only, and X25519/P-256/P-384 only.
 */
class TlsScanIT {

    private static final Path SSLSCAN = Path.of("/usr/bin/sslscan");
    private static final Pattern PROTOCOL = Pattern.compile("(?m)^(SSLv2|SSLv3|TLSv1\\.[0-3])\\s+(enabled|disabled)\\s*$");
    private static final Pattern CIPHER = Pattern.compile("(?m)^(?:Preferred|Accepted)\\s+(\\S+)\\s+\\d+ bits\\s+(\\S+)");
    private static final Pattern GROUP = Pattern.compile("(?m)^(TLSv1\\.[0-3])\\s+\\d+ bits\\s+(\\S+)");
    /** OpenSSL's names (TLS 1.2) and the IANA names (TLS 1.3) of AEAD suites. */
    private static final Pattern AEAD = Pattern.compile(".*(GCM|CHACHA20[-_]POLY1305|CCM).*");

    @TempDir
    Path dir;

    @Test
    void sslscanFindsOnlyTls12And13AeadSuitesAndTheAllowedGroups() throws Exception {
        if (!Files.isExecutable(SSLSCAN)) {
            if ("true".equals(System.getenv("CI"))) {
                fail(SSLSCAN + " is missing: install it (apt-get install sslscan; .ci/run does)");
            }
            Assumptions.abort(SSLSCAN + " is not installed (apt-get install sslscan); CI=true makes this a failure");
        }
        DevCa ca = DevCa.generate("scan CA", Duration.ofDays(30));
        PemPair files = PemPair.in(dir, "cert.pem", "key.pem").write(ca.issue(List.of("127.0.0.1"), Duration.ofDays(7)), false);
        try (GatewayProcess gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", files.certFile().toString(), "--tls-key", files.keyFile().toString(),
                "--policy", TlsListenerIT.policy(dir).toString())) {
            String report = sslscan("127.0.0.1:" + gateway.https().getPort());

            List<String> seen = new ArrayList<>();
            Set<String> enabled = new TreeSet<>();
            for (Matcher m = PROTOCOL.matcher(report); m.find(); ) {
                seen.add(m.group(1));
                if (m.group(2).equals("enabled")) {
                    enabled.add(m.group(1));
                }
            }
            assertEquals(List.of("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"), seen, report);
            assertEquals(Set.of("TLSv1.2", "TLSv1.3"), enabled, report);

            Set<String> suiteProtocols = new TreeSet<>();
            for (Matcher m = CIPHER.matcher(report); m.find(); ) {
                suiteProtocols.add(m.group(1));
                assertTrue(AEAD.matcher(m.group(2)).matches(), () -> "not an AEAD suite: " + m.group(0) + "\n" + report);
            }
            assertEquals(Set.of("TLSv1.2", "TLSv1.3"), suiteProtocols, report);

            Set<String> groups = new TreeSet<>();
            for (Matcher m = GROUP.matcher(report); m.find(); ) {
                groups.add(m.group(2));
            }
            assertFalse(groups.isEmpty(), report);
            assertTrue(Set.of("x25519", "secp256r1", "secp384r1").containsAll(groups), () -> groups + "\n" + report);
        }
    }

    private static String sslscan(String target) throws Exception {
        // The cheap vulnerability probes are skipped: the test is about what the listener accepts.
        Process scan = new ProcessBuilder(SSLSCAN.toString(), "--no-colour", "--no-heartbleed", "--no-compression",
                "--no-fallback", "--no-renegotiation", target).redirectErrorStream(true).start();
        try {
            byte[] out = scan.getInputStream().readAllBytes();
            if (!scan.waitFor(60, TimeUnit.SECONDS)) {
                fail("sslscan did not finish within 60 s");
            }
            String report = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, scan.exitValue(), report);
            return report;
        } finally {
            scan.destroyForcibly();
        }
    }
}
