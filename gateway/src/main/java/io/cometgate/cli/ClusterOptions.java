package io.cometgate.cli;

import io.cometgate.cluster.NodeId;
import io.cometgate.cluster.RedisClusterLimits;
import picocli.CommandLine.Option;

/**
 * The cluster flags of {@code serve}: this node's id and the Redis that shares the limits
 * (docs/SCALING.md). A picocli mixin like {@link ServerTlsOptions}, so they also come from
 * {@code COMETGATE_*} variables and the config file, and keep their place in {@code --help}.
 */
final class ClusterOptions {

    @Option(names = "--node-id", paramLabel = "ID",
            description = "This node's id in a cluster, carried in every session id so a load balancer can route "
                    + "each session to its node (docs/SCALING.md): 1-24 of a-z, 0-9, '-'. Default: from the host name.")
    String nodeId;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Count the per-address and per-Origin session caps and the opens per address per minute "
                    + "across every node through this Redis (redis://[:PASSWORD@]HOST:PORT[/DB], or rediss:// for TLS), "
                    + "and publish this node's policy hash there (docs/SCALING.md). Default: every limit per node.")
    String redis;

    @Option(names = "--redis-failure", paramLabel = "MODE",
            description = "While Redis is unreachable or slow: 'closed' refuses new sessions and opens, 'local' falls "
                    + "back to per-node limits (default closed).")
    String redisFailure = "closed";

    /** This node's id; an {@link IllegalArgumentException} names a bad --node-id. */
    NodeId node() {
        return nodeId == null ? NodeId.fromHostName() : new NodeId(nodeId);
    }

    /** Checks --redis and --redis-failure before anything starts, so a typo is a usage error. */
    void check() {
        failureMode();
        if (redis != null) {
            RedisClusterLimits.checkUri(redis);
        }
    }

    RedisClusterLimits.Failure failureMode() {
        return switch (redisFailure) {
            case "closed" -> RedisClusterLimits.Failure.CLOSED;
            case "local" -> RedisClusterLimits.Failure.LOCAL;
            default -> throw new IllegalArgumentException("--redis-failure must be 'closed' or 'local', not '"
                    + redisFailure + "'");
        };
    }
}
