package io.cometgate.cluster;

import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.metrics.Scraper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyFingerprintTest {

    @TempDir
    Path dir;

    /** The text a Prometheus scrape of a gateway registry holding only this fingerprint shows. */
    private static String metric(PolicyFingerprint fingerprint) {
        GatewayMetrics metrics = new GatewayMetrics();
        fingerprint.registerIn(metrics);
        try (Scraper scraper = new Scraper(metrics)) {
            return new String(scraper.render("text/plain").body(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theMetricNamesTheNodeAndTheSha256OfThePolicyFile() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw.test\n");
        PolicyFingerprint fingerprint = PolicyFingerprint.of(new NodeId("gw-2"), policy);
        // sha256sum of the same bytes, computed independently of the class under test:
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("cometgate-policy 1\nhost gw.test\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(metric(fingerprint).contains("cometgate_node_info{node=\"gw-2\",policy_sha256=\"" + expected + "\"} 1.0\n"),
                metric(fingerprint));
    }

    @Test
    void aReloadedPolicyChangesTheFingerprintAndTheSameBytesKeepIt() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nhost gw.test\n");
        PolicyFingerprint fingerprint = PolicyFingerprint.of(new NodeId("gw-1"), policy);
        String before = fingerprint.sha256();
        fingerprint.refresh();
        assertEquals(before, fingerprint.sha256());
        Files.writeString(policy, "cometgate-policy 1\nhost gw.test other.test\n");
        fingerprint.refresh();
        assertNotEquals(before, fingerprint.sha256());
        assertEquals(64, fingerprint.sha256().length());
    }

    @Test
    void anUnreadableFileKeepsTheLastFingerprint() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\n");
        PolicyFingerprint fingerprint = PolicyFingerprint.of(new NodeId("gw-1"), policy);
        String before = fingerprint.sha256();
        Files.delete(policy);
        fingerprint.refresh();
        assertEquals(before, fingerprint.sha256());
    }
}
