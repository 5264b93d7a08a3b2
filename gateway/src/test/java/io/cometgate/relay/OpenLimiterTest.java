package io.cometgate.relay;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final OpenLimiter limiter = new OpenLimiter(now::get);

    @Test
    void opensBeyondThePerMinuteRateAreRefusedUntilTheNextMinute() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryOpen(client, 3), "open " + i);
        }
        assertFalse(limiter.tryOpen(client, 3));
        now.addAndGet(60_000_000_000L);
        assertTrue(limiter.tryOpen(client, 3));
    }

    @Test
    void oneClientsRateDoesNotAffectAnother() throws Exception {
        assertTrue(limiter.tryOpen(InetAddress.getByName("192.0.2.1"), 1));
        assertFalse(limiter.tryOpen(InetAddress.getByName("192.0.2.1"), 1));
        assertTrue(limiter.tryOpen(InetAddress.getByName("192.0.2.2"), 1));
    }

    @Test
    void targetConnectionsAreCappedAndReleased() {
        InetSocketAddress target = new InetSocketAddress("192.0.2.9", 6667);
        assertTrue(limiter.tryConnect(target, 2));
        assertTrue(limiter.tryConnect(target, 2));
        assertFalse(limiter.tryConnect(target, 2));
        assertEquals(2, limiter.connectionsTo(target));
        limiter.release(target);
        assertTrue(limiter.tryConnect(target, 2));
        limiter.release(target);
        limiter.release(target);
        assertEquals(0, limiter.connectionsTo(target));
    }
}
