package io.cometgate.http;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

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
 * Denies every channel to an address:port this gateway listens on, whatever the policy says:
 * a rule with {@code allow-loopback} whose ports cover the gateway's own would otherwise let
 * a page talk to the gateway through itself (its /metrics, or relays to itself). A listener
 * on a wildcard address is reached through every local address, loopback included, so its
 * port is denied on all of them. Wraps the policy's decider (cli.GatewayAssembly hands it to
 * the relay); the server adds each listener as it is bound.
 */
public final class ConnectBackGuard implements Decider {

    static final String REASON = "connect-back";

    private final Decider policy;
    private final Set<InetAddress> localAddresses;
    private final List<InetSocketAddress> listeners = new CopyOnWriteArrayList<>();

    /** @param localAddresses this host's addresses (loopback included) a wildcard listener is reached on */
    ConnectBackGuard(Decider policy, Set<InetAddress> localAddresses) {
        this.policy = policy;
        this.localAddresses = Set.copyOf(localAddresses);
    }

    public static ConnectBackGuard forThisHost(Decider policy) {
        return new ConnectBackGuard(policy, interfaceAddresses());
    }

    void addListener(InetSocketAddress bound) {
        listeners.add(bound);
    }

    @Override
    public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
        Promise<Decision> guarded = loop.newPromise();
        policy.decide(request, loop).addListener((Future<Decision> f) -> {
            if (f.isSuccess()) {
                guarded.setSuccess(guard(f.getNow()));
            } else {
                guarded.setFailure(f.cause());
            }
        });
        return guarded;
    }

    Decision guard(Decision decision) {
        if (!decision.allowed()) {
            return decision;
        }
        InetSocketAddress target = decision.address();
        for (InetSocketAddress listener : listeners) {
            if (listener.getPort() != target.getPort()) {
                continue;
            }
            if (listener.getAddress().equals(target.getAddress())) {
                return deny(target, "is this gateway's listener " + GatewayServer.hostPort(listener));
            }
            if (listener.getAddress().isAnyLocalAddress()
                    && (localAddresses.contains(target.getAddress()) || target.getAddress().isLoopbackAddress())) {
                return deny(target, "reaches this gateway's wildcard listener " + GatewayServer.hostPort(listener));
            }
        }
        return decision;
    }

    private static Decision deny(InetSocketAddress target, String why) {
        return Decision.deny(Decision.Verdict.DENY, REASON + ": " + GatewayServer.hostPort(target) + " " + why, null);
    }

    @Override
    public boolean isOriginAllowed(String origin) {
        return policy.isOriginAllowed(origin);
    }

    @Override
    public boolean isHostAllowed(String host) {
        return policy.isHostAllowed(host);
    }

    @Override
    public boolean isTrustedProxy(InetAddress peer) {
        return policy.isTrustedProxy(peer);
    }

    @Override
    public Limits limits() {
        return policy.limits();
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            // No interface list: loopback is still covered (isLoopbackAddress), and the policy's
            // own-address check still denies what it knows.
        }
        return out;
    }
}
