package io.cometgate.cli;

import io.cometgate.cluster.ClusterView;
import io.cometgate.cluster.RedisClusterLimits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cometgate sessions --redis URI [SESSION-ID...]}: what the nodes sharing a Redis
 * publish (docs/SCALING.md, "The session directory"). Without ids: one line per node (alive or
 * gone, sessions, backend connections, policy hash). With ids: the node each session lives on
 * according to the directory; exit 1 if any is not held by a live node.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Lists the cluster's nodes, or where sessions live, from the Redis the gateways share (--redis).")
final class SessionsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--redis", required = true, paramLabel = "URI",
            description = "The Redis the gateways were started with (serve --redis).")
    String redis;

    @Parameters(arity = "0..*", paramLabel = "SESSION-ID", description = "Session ids to look up (as the client logs them).")
    List<String> ids = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            RedisClusterLimits.checkUri(redis);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("cometgate sessions: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (ClusterView view = ClusterView.connect(redis)) {
            if (ids.isEmpty()) {
                out.printf("%-24s %-6s %9s %11s %s%n", "NODE", "STATE", "SESSIONS", "CONNECTIONS", "POLICY-SHA256");
                for (ClusterView.Node node : view.nodes()) {
                    out.printf("%-24s %-6s %9d %11d %s%n", node.id(), node.alive() ? "alive" : "gone", node.sessions(),
                            node.connections(), node.policySha256().isEmpty() ? "-" : node.policySha256());
                }
                return ExitCodes.OK;
            }
            boolean allHeld = true;
            for (String id : ids) {
                ClusterView.Entry entry = view.session(id);
                if (entry.owner() == null) {
                    out.println(id + ": not in the directory (ended, expired, or never existed)");
                    allHeld = false;
                } else if (!entry.ownerAlive()) {
                    out.println(id + ": node " + entry.owner() + " held it, but that node is gone (no lease)");
                    allHeld = false;
                } else {
                    out.println(id + ": held by node " + entry.owner() + " (alive; entry expires in "
                            + (entry.ttlMillis() + 999) / 1000 + " s unless refreshed)");
                }
            }
            return allHeld ? ExitCodes.OK : ExitCodes.RUNTIME;
        } catch (io.lettuce.core.RedisException e) {
            spec.commandLine().getErr().println("cometgate sessions: cannot read Redis: " + e.getMessage());
            return ExitCodes.RUNTIME;
        }
    }
}
