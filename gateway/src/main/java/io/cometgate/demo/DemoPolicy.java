package io.cometgate.demo;

import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy {@code serve} runs with when no {@code --policy} is given: the Host and Origin
 * allowlists name exactly the addresses the gateway listens on (so the demo works on any port),
 * and two aliases reach exactly the demo backends, wherever they were bound.
 *
 * <p>A wildcard listener (0.0.0.0, ::) is reachable by every address of this machine, so each
 * of them is listed, plus {@code localhost}. Nothing else is allowed: the demo backends are
 * the gateway's own, on loopback.
 */
public final class DemoPolicy {

    private DemoPolicy() {
    }

    /**
     * The policy text for these listeners and backends.
     *
     * @param http      bound plain listeners
     * @param https     bound TLS listeners
     * @param hostnames extra names this gateway is reached by (the {@code --hostname} flag)
     * @param echo      the demo echo backend, or {@code null} for none (likewise {@code chat})
     */
    public static String render(List<InetSocketAddress> http, List<InetSocketAddress> https, List<String> hostnames,
                                InetSocketAddress echo, InetSocketAddress chat) {
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> origins = new LinkedHashSet<>();
        addListeners(http, "http", 80, hostnames, hosts, origins);
        addListeners(https, "https", 443, hostnames, hosts, origins);
        StringBuilder text = new StringBuilder("""
                cometgate-policy 1
                # The built-in demo policy (serve without --policy): this gateway's own listeners, and
                # the demo echo and chat backends it started on loopback. Never deploy it.
                """);
        if (!hosts.isEmpty()) {
            text.append("host ").append(String.join(" ", hosts)).append('\n');
            text.append("origin ").append(String.join(" ", origins)).append('\n');
        }
        alias(text, "echo", echo);
        alias(text, "chat", chat);
        return text.toString();
    }

    private static void alias(StringBuilder text, String name, InetSocketAddress backend) {
        if (backend != null) {
            text.append("alias ").append(name).append(' ').append(literal(backend.getAddress())).append(':')
                    .append(backend.getPort()).append(" allow-loopback\n");
        }
    }

    private static void addListeners(List<InetSocketAddress> listeners, String scheme, int defaultPort,
                                     List<String> hostnames, Set<String> hosts, Set<String> origins) {
        for (InetSocketAddress listener : listeners) {
            if (listener.getPort() == 0) {
                continue; // not bound yet: the policy is rendered again once it is
            }
            // Browsers leave the default port out of both Host and Origin.
            String port = listener.getPort() == defaultPort ? "" : ":" + listener.getPort();
            for (String name : names(listener.getAddress(), hostnames)) {
                hosts.add(name + port);
                origins.add(scheme + "://" + name + port);
            }
        }
    }

    /** The names a browser may use for this listener address in its Host header. */
    private static List<String> names(InetAddress address, List<String> hostnames) {
        List<String> names = new ArrayList<>();
        if (address.isAnyLocalAddress()) {
            names.add("localhost");
            boolean v4Only = address instanceof Inet4Address;
            for (InetAddress local : interfaceAddresses()) {
                if (!(v4Only && !(local instanceof Inet4Address)) && !local.isLinkLocalAddress()) {
                    names.add(literal(local));
                }
            }
        } else {
            if (address.isLoopbackAddress()) {
                names.add("localhost");
            }
            names.add(literal(address));
        }
        names.addAll(hostnames.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList());
        return names;
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp()) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            addresses.add(InetAddress.getLoopbackAddress()); // cannot list them: loopback still works
        }
        return addresses;
    }

    /** {@code 127.0.0.1}, or {@code [::1]} in RFC 5952 form, as browsers write it, without a zone id. */
    static String literal(InetAddress address) {
        String text = NetUtil.toAddressString(address);
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return text.contains(":") ? "[" + text + "]" : text;
    }
}
