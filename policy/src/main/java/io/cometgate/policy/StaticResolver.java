package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers names from a fixed table and never asks DNS: {@code policy explain --resolve NAME=IP}
 * uses it to show offline, in CI, how a policy would decide once a name resolves to given
 * addresses. A name missing from the table fails like NXDOMAIN.
 */
public final class StaticResolver implements Resolver {

    private final Map<String, List<InetAddress>> table;

    private StaticResolver(Map<String, List<InetAddress>> table) {
        this.table = table;
    }

    /**
     * A resolver for {@code NAME=IP[,IP...]} entries; a name given twice collects every address.
     * Addresses are canonical literals ({@link IpLiterals}); anything else is an
     * {@link IllegalArgumentException} naming the entry.
     */
    public static StaticResolver of(List<String> entries) {
        Map<String, List<InetAddress>> table = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry + "' is not NAME=IP (e.g. db.example.com=10.0.0.5)");
            }
            String name = name(entry.substring(0, eq));
            for (String ip : entry.substring(eq + 1).split(",", -1)) {
                InetAddress address = IpLiterals.parse(ip).orElseThrow(() -> new IllegalArgumentException(
                        "'" + entry + "': '" + ip + "' is not a canonical IP address"));
                table.computeIfAbsent(name, k -> new ArrayList<>()).add(address);
            }
        }
        return new StaticResolver(Map.copyOf(table));
    }

    /** The spelling the engine asks for: lowercase, no trailing dot, IDNA as ASCII. */
    private static String name(String raw) {
        try {
            return HostNames.normalize(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resolve name '" + raw + "': " + e.getMessage());
        }
    }

    @Override
    public Future<List<InetAddress>> resolve(String host, EventLoop loop) {
        List<InetAddress> answer = table.get(host.toLowerCase(Locale.ROOT));
        return answer == null
                ? loop.newFailedFuture(new UnknownHostException(host + " (not in the --resolve table)"))
                : loop.newSucceededFuture(List.copyOf(answer));
    }
}
