package io.cometgate.testing;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.policy.TargetOptions;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the policy engine: allows {@code 127.0.0.1:<port>} for the ports a test
 * registered, denies everything else with the engine's default reason; one fixed Origin;
 * the Host names the test registered (the gateway's and its proxies' addresses).
 */
public final class TestDecider implements Decider {

    public static final String ORIGIN = "https://app.test";
    public static final String DENY_REASON = "no rule matches";

    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private final Set<String> hosts = ConcurrentHashMap.newKeySet();
    private volatile Limits limits = Limits.DEFAULT;

    /** The limits the gateway reads from now on (a test of a cap lowers them). */
    public TestDecider limits(Limits replacement) {
        limits = replacement;
        return this;
    }

    public TestDecider allowPort(int port) {
        ports.add(port);
        return this;
    }

    public TestDecider allowHost(String hostPort) {
        hosts.add(hostPort);
        return this;
    }

    @Override
    public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
        return loop.newSucceededFuture(decideNow(request.target()));
    }

    private Decision decideNow(String target) {
        int colon = target.lastIndexOf(':');
        if (colon > 0 && target.substring(0, colon).equals("127.0.0.1")) {
            try {
                int port = Integer.parseInt(target.substring(colon + 1));
                if (ports.contains(port)) {
                    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
                    return Decision.allow("test rule", "test:1", new InetSocketAddress(loopback, port),
                            null, TargetOptions.DEFAULT);
                }
            } catch (NumberFormatException | java.net.UnknownHostException e) {
                // not a port we know: denied below
            }
        }
        return Decision.deny(Decision.Verdict.DENY, DENY_REASON, null);
    }

    @Override
    public boolean isOriginAllowed(String origin) {
        return ORIGIN.equals(origin);
    }

    @Override
    public boolean isHostAllowed(String host) {
        return hosts.contains(host);
    }

    @Override
    public boolean isTrustedProxy(InetAddress peer) {
        return false;
    }

    @Override
    public Limits limits() {
        return limits;
    }
}
