package io.cometgate.demo;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.policy.PolicyDecider;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo policy's decider. The policy names the listeners' ports, which port-0 listeners
 * only learn once bound, after the server already holds its decider: so the server holds this
 * one, and {@link #replace} swaps in the policy rendered from the bound addresses.
 */
public final class DemoDecider implements Decider, AutoCloseable {

    private final AtomicReference<PolicyDecider> current;

    public DemoDecider(PolicyDecider first) {
        this.current = new AtomicReference<>(first);
    }

    /** Uses {@code next} from now on; decisions under way finish on the old one. */
    public void replace(PolicyDecider next) {
        current.getAndSet(next).close();
    }

    @Override
    public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
        return current.get().decide(request, loop);
    }

    @Override
    public boolean isOriginAllowed(String origin) {
        return current.get().isOriginAllowed(origin);
    }

    @Override
    public boolean isHostAllowed(String host) {
        return current.get().isHostAllowed(host);
    }

    @Override
    public boolean isTrustedProxy(InetAddress peer) {
        return current.get().isTrustedProxy(peer);
    }

    @Override
    public Limits limits() {
        return current.get().limits();
    }

    @Override
    public void close() {
        current.get().close();
    }
}
