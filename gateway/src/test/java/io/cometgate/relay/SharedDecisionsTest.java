package io.cometgate.relay;

import io.cometgate.policy.Decision;
import io.cometgate.policy.TargetOptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class SharedDecisionsTest {

    private final SharedDecisions decisions = new SharedDecisions();

    private static Decision allow(int port) throws Exception {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        return Decision.allow("allowed by rule", "p.policy:3", new InetSocketAddress(loopback, port), null, TargetOptions.DEFAULT);
    }

    @Test
    void equalAllowDecisionsAreOneInstanceAndTheirAddressWithIt() throws Exception {
        Decision first = decisions.share(allow(6667));
        Decision second = decisions.share(allow(6667));
        assertSame(first, second);
        assertSame(first.address(), second.address());
    }

    @Test
    void decisionsThatDifferInAnyFieldStayApart() throws Exception {
        Decision a = decisions.share(allow(6667));
        Decision otherPort = decisions.share(allow(6668));
        Decision otherOptions = decisions.share(Decision.allow("allowed by rule", "p.policy:3", allow(6667).address(), null,
                new TargetOptions(TargetOptions.DEFAULT.connectTimeout(), true, null, false, null, null)));
        assertNotSame(a, otherPort);
        assertNotSame(a, otherOptions);
        assertEquals(true, otherOptions.options().tls());
    }

    @Test
    void equalTargetsAreOneStringWithinTheBound() {
        String first = decisions.shareTarget(new String("127.0.0.1:6667"));
        assertSame(first, decisions.shareTarget(new String("127.0.0.1:6667")));
        assertEquals("irc", decisions.shareTarget("irc"));
        for (int i = 0; i < SharedDecisions.MAX + 10; i++) {
            decisions.shareTarget("127.0.0.1:" + i);
        }
        String again = new String("127.0.0.1:6667");
        assertSame(again, decisions.shareTarget(again), "the table started over once full");
    }

    @Test
    void denialsAreNotKept() {
        Decision denied = Decision.deny(Decision.Verdict.DENY, "no rule matches", null);
        assertSame(denied, decisions.share(denied));
        assertEquals(0, decisions.size());
    }

    @Test
    void theTableNeverHoldsMoreThanItsBound() throws Exception {
        for (int port = 1; port <= SharedDecisions.MAX + 10; port++) {
            decisions.share(allow(port));
        }
        assertEquals(10, decisions.size(), "full at MAX: started over, then kept the last ten");
    }
}
