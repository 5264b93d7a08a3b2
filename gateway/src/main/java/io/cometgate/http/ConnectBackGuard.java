package io.cometgate.http;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.policy.OwnListeners;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Wraps the policy's decider so that no channel reaches an address:port this gateway listens
 * on ({@link OwnListeners} holds the rule). cli.GatewayAssembly hands it to the relay; the
 * server adds each listener as it is bound.
 */
public final class ConnectBackGuard implements Decider {

    private final Decider policy;
    private final OwnListeners own;

    /** @param localAddresses this host's addresses (loopback included) a wildcard listener is reached on */
    ConnectBackGuard(Decider policy, Set<InetAddress> localAddresses) {
        this(policy, new OwnListeners(localAddresses));
    }

    private ConnectBackGuard(Decider policy, OwnListeners own) {
        this.policy = policy;
        this.own = own;
    }

    public static ConnectBackGuard forThisHost(Decider policy) {
        return new ConnectBackGuard(policy, OwnListeners.forThisHost());
    }

    void addListener(InetSocketAddress bound) {
        own.add(bound);
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
        return own.guard(decision);
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
}
