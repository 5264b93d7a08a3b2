package io.cometgate.http;

import io.cometgate.policy.Decision;
import io.cometgate.policy.TargetOptions;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No decision, whatever the policy allowed, reaches an address:port the gateway listens on. */
class ConnectBackGuardTest {

    /** A documentation address stands in for this host's interface address: nothing connects anywhere. */
    private static final InetAddress OWN = address("192.0.2.10");
    private static final InetAddress OTHER = address("192.0.2.99");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final ConnectBackGuard guard = new ConnectBackGuard(new TestDecider(), Set.of(OWN, address("127.0.0.1")));

    private static Decision allowed(InetAddress address, int port) {
        return Decision.allow("rule", "test:1", new InetSocketAddress(address, port), null, TargetOptions.DEFAULT);
    }

    @Test
    void aLoopbackListenerIsDeniedOnItsPortWithTheConnectBackReason() {
        guard.addListener(new InetSocketAddress(address("127.0.0.1"), 8080));
        Decision d = guard.guard(allowed(address("127.0.0.1"), 8080));
        assertFalse(d.allowed());
        assertEquals("connect-back: 127.0.0.1:8080 is this gateway's listener 127.0.0.1:8080", d.reason());
        assertTrue(guard.guard(allowed(address("127.0.0.1"), 8081)).allowed(), "another port is the policy's business");
    }

    @Test
    void aWildcardListenerIsDeniedOnEveryLocalAddressLoopbackIncluded() {
        guard.addListener(new InetSocketAddress(address("0.0.0.0"), 8443));
        assertEquals("connect-back: 192.0.2.10:8443 reaches this gateway's wildcard listener 0.0.0.0:8443",
                guard.guard(allowed(OWN, 8443)).reason());
        assertFalse(guard.guard(allowed(address("127.0.0.1"), 8443)).allowed());
        assertFalse(guard.guard(allowed(address("127.0.0.2"), 8443)).allowed(), "all of 127/8 reaches a wildcard bind");
        assertTrue(guard.guard(allowed(OTHER, 8443)).allowed(), "another host on the same port is not the gateway");
    }

    @Test
    void anIpv6WildcardListenerCoversIpv4LocalAddressesToo() {
        guard.addListener(new InetSocketAddress(address("::"), 9000));
        assertFalse(guard.guard(allowed(OWN, 9000)).allowed());
        assertFalse(guard.guard(allowed(address("::1"), 9000)).allowed());
    }

    @Test
    void aDenialFromThePolicyPassesUnchanged() {
        guard.addListener(new InetSocketAddress(address("127.0.0.1"), 8080));
        Decision denied = Decision.deny(Decision.Verdict.DENY, "no rule matches", null);
        assertEquals(denied, guard.guard(denied));
    }
}
