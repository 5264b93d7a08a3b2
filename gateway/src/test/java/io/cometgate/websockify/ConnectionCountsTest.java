package io.cometgate.websockify;

import io.cometgate.policy.Limits;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The session limits, applied to raw connections: per address and in all, with nothing counted on a refusal. */
class ConnectionCountsTest {

    private static final Limits LIMITS = new Limits(3, 2, 100, 32, 120, 1000, Duration.ZERO, Duration.ZERO);

    @Test
    void anAddressOverItsLimitIsRefusedAndOthersAreNot() throws Exception {
        ConnectionCounts counts = new ConnectionCounts();
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertNull(counts.tryAcquire(a, LIMITS));
        assertNull(counts.tryAcquire(a, LIMITS));
        assertEquals("limit reached: 2 connections from this address", counts.tryAcquire(a, LIMITS));
        assertEquals(2, counts.fromAddress(a));
        assertNull(counts.tryAcquire(b, LIMITS));
        assertEquals("limit reached: 3 connections on this gateway", counts.tryAcquire(b, LIMITS));
        counts.release(a);
        assertNull(counts.tryAcquire(b, LIMITS));
    }

    @Test
    void theLastReleaseForgetsTheAddress() throws Exception {
        ConnectionCounts counts = new ConnectionCounts();
        InetAddress a = InetAddress.getByName("192.0.2.1");
        counts.tryAcquire(a, LIMITS);
        counts.release(a);
        assertEquals(0, counts.fromAddress(a));
        assertNull(counts.tryAcquire(a, LIMITS));
        assertNull(counts.tryAcquire(a, LIMITS));
    }
}
