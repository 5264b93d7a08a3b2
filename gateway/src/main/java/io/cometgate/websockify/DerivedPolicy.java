package io.cometgate.websockify;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy {@code cometgate websockify} runs with when it is given none: exactly the
 * targets on its command line (the fixed target, or every target in the token files) are
 * allowed, nothing else; the Host names are the listener's (every local address for a
 * wildcard listener, plus the loopback names) and {@code --hostname}s; the Origins are those
 * same names (pages served by {@code --web} from this gateway) plus {@code --origin}s and
 * requests without an Origin (non-browser clients, which cannot be hijacked cross-site).
 *
 * @param listen        the listener addresses
 * @param tls           the listeners speak TLS (Origins are then {@code https://})
 * @param hostnames     extra names the gateway is reached by
 * @param origins       extra page Origins
 * @param targets       {@code host:port} targets to allow
 * @param targetOptions policy options for every target rule, e.g. {@code tls}, {@code proxy-protocol=v1}
 */
public record DerivedPolicy(List<InetSocketAddress> listen, boolean tls, List<String> hostnames, List<String> origins,
                            Collection<String> targets, List<String> targetOptions) {

    /** The policy text; {@code why} goes in its header comment. */
    public String render(String why) {
        Set<String> hosts = new LinkedHashSet<>();
        for (InetSocketAddress address : listen) {
            for (String name : namesFor(address.getAddress())) {
                hosts.add(name + ":" + address.getPort());
            }
            for (String name : hostnames) {
                hosts.add(name.toLowerCase() + ":" + address.getPort());
            }
        }
        Set<String> pageOrigins = new LinkedHashSet<>();
        pageOrigins.add("none");
        String scheme = tls ? "https://" : "http://";
        for (String host : hosts) {
            pageOrigins.add(scheme + host);
        }
        pageOrigins.addAll(origins);
        StringBuilder out = new StringBuilder("cometgate-policy 1\n");
        out.append("# Derived by 'cometgate websockify' ").append(why).append(".\n");
        out.append("# Only these targets are allowed; pass --policy FILE to use your own policy instead.\n");
        out.append("host ").append(String.join(" ", hosts)).append('\n');
        out.append("origin ").append(String.join(" ", pageOrigins)).append('\n');
        for (String target : new LinkedHashSet<>(targets)) {
            out.append("allow ").append(target);
            if (isLoopbackLiteral(target)) {
                out.append(" allow-loopback");
            }
            for (String option : targetOptions) {
                out.append(' ').append(option);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** How a browser may name this listener: its literal, or for a wildcard every local address and the loopback names. */
    private static Set<String> namesFor(InetAddress address) {
        Set<String> names = new LinkedHashSet<>();
        if (address.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                    nic.inetAddresses().filter(a -> !a.isLinkLocalAddress()).forEach(a -> names.add(literal(a)));
                }
            } catch (SocketException e) {
                names.add("127.0.0.1");
            }
            names.add("localhost");
        } else {
            names.add(literal(address));
            if (address.isLoopbackAddress()) {
                names.add("localhost");
            }
        }
        return names;
    }

    private static String literal(InetAddress a) {
        String text = a.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return text.contains(":") ? "[" + compress(text) + "]" : text;
    }

    /** The policy wants canonical IPv6 literals (RFC 5952: ::1, not 0:0:0:0:0:0:0:1). */
    private static String compress(String v6) {
        String[] groups = v6.split(":");
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "").toLowerCase();
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static boolean isLoopbackLiteral(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return host.startsWith("127.") || host.equals("[::1]");
    }
}
