package io.cometgate.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Compares this node's policy hash with the ones its peers publish in Redis and logs once per
 * change: when some peers differ (naming them and their hashes), and when all agree again.
 * Peers that publish no hash (the built-in demo policy) are not compared.
 */
final class PolicyDrift {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyDrift.class);

    private final String node;
    private Map<String, String> lastDiffering = Map.of();

    PolicyDrift(String node) {
        this.node = node;
    }

    /** @return the peers whose hash differs from {@code mine} (node -> hash) */
    Map<String, String> check(String mine, Map<String, String> peers) {
        Map<String, String> differing = new TreeMap<>();
        if (!mine.isEmpty()) {
            peers.forEach((peer, hash) -> {
                if (!hash.isEmpty() && !hash.equals(mine)) {
                    differing.put(peer, hash);
                }
            });
        }
        if (!differing.equals(lastDiffering)) {
            if (differing.isEmpty()) {
                LOG.info("node {}: every peer now enforces the same policy (sha256 {})", node, mine);
            } else {
                LOG.warn("node {}: policy drift: this node enforces sha256 {}, peers differ: {}", node, mine, differing);
            }
            lastDiffering = differing;
        }
        return differing;
    }
}
