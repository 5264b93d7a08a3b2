package io.cometgate.cluster;

import io.cometgate.metrics.GatewayMetrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * This node's id and the SHA-256 of the policy file it enforces, as one metric
 * ({@code cometgate_node_info{node="gw-1",policy_sha256="..."} 1}). Every node of a cluster
 * should enforce the same policy; nodes that do not are seen at a glance by comparing this
 * series across nodes (docs/SCALING.md, "Policy drift"). The hash is taken at start and after
 * every reload, on the policy watcher's thread (file I/O never runs on an event loop); each
 * change is logged once.
 */
public final class PolicyFingerprint {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFingerprint.class);

    private final NodeId node;
    private final Path file;
    private volatile String sha256 = "";

    private PolicyFingerprint(NodeId node, Path file) {
        this.node = node;
        this.file = file;
    }

    /** Hashes {@code file} now; call {@link #refresh} after each reload. */
    public static PolicyFingerprint of(NodeId node, Path file) {
        PolicyFingerprint fingerprint = new PolicyFingerprint(node, file);
        fingerprint.refresh();
        return fingerprint;
    }

    /** Hashes the file again; logs when the hash changed. */
    public void refresh() {
        String now;
        try {
            now = hash(Files.readAllBytes(file));
        } catch (IOException e) {
            LOG.warn("node {}: cannot read policy {} to fingerprint it: {}", node, file, e.toString());
            return;
        }
        if (!now.equals(sha256)) {
            sha256 = now;
            LOG.info("node {} enforces policy {} sha256 {}", node, file, now);
        }
    }

    /** The policy file's SHA-256 in hex ({@code ""} until it could be read). */
    public String sha256() {
        return sha256;
    }

    static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Adds {@code cometgate_node_info} to the gateway's registry. */
    public void registerIn(GatewayMetrics metrics) {
        GaugeWithCallback.builder().name("cometgate_node_info")
                .help("This node's id and the SHA-256 of the policy file it enforces (compare across nodes: they should all match).")
                .labelNames("node", "policy_sha256")
                .callback(cb -> cb.call(1, node.value(), sha256))
                .register(metrics.registry());
    }
}
