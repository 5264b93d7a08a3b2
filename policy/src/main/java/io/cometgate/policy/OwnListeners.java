package io.cometgate.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The addresses the gateway listens on, which no channel may reach whatever the policy says:
 * a rule with {@code allow-loopback} whose ports cover the gateway's own would otherwise let a
 * page talk to the gateway through itself (its /metrics, or relays to itself). A listener on a
 * wildcard address is reached through every local address, loopback included, so its port is
 * denied on all of them. It lives beside the engine so that the running gateway and the offline
 * {@code policy explain --listen} apply the same rule.
 */
public final class OwnListeners {

    public static final String REASON = "connect-back";

    private final Set<InetAddress> localAddresses;
    private final List<InetSocketAddress> listeners = new CopyOnWriteArrayList<>();

    /** @param localAddresses this host's addresses (loopback included) a wildcard listener is reached on */
    public OwnListeners(Set<InetAddress> localAddresses) {
        this.localAddresses = Set.copyOf(localAddresses);
    }

    public static OwnListeners forThisHost() {
        return new OwnListeners(interfaceAddresses());
    }

    /** Adds a listener as it is bound (port 0 resolved). */
    public void add(InetSocketAddress bound) {
        listeners.add(bound);
    }

    /** {@code decision}, or a connect-back denial when its address reaches one of the listeners. */
    public Decision guard(Decision decision) {
        if (!decision.allowed()) {
            return decision;
        }
        InetSocketAddress target = decision.address();
        for (InetSocketAddress listener : listeners) {
            if (listener.getPort() != target.getPort()) {
                continue;
            }
            if (listener.getAddress().equals(target.getAddress())) {
                return deny(target, "is this gateway's listener " + hostPort(listener));
            }
            if (listener.getAddress().isAnyLocalAddress()
                    && (localAddresses.contains(target.getAddress()) || target.getAddress().isLoopbackAddress())) {
                return deny(target, "reaches this gateway's wildcard listener " + hostPort(listener));
            }
        }
        return decision;
    }

    private static Decision deny(InetSocketAddress target, String why) {
        return Decision.deny(Decision.Verdict.DENY, REASON + ": " + hostPort(target) + " " + why, null);
    }

    private static String hostPort(InetSocketAddress address) {
        String host = IpLiterals.format(address.getAddress().getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            // No interface list: loopback is still covered (isLoopbackAddress), and the engine's
            // own-address check still denies what it knows.
        }
        return out;
    }
}
