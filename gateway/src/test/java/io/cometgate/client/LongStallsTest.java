package io.cometgate.client;

import io.cometgate.testing.FaultProxy.FaultEvent;
import io.cometgate.testing.NetworkFault;
import io.cometgate.testing.ProxiedConnection.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LongStallsTest {

    private static final long S = 1_000_000_000L;

    @Test
    void aStallOverTheTargetIsUnchainedOnlyWhenAtMostOneFaultIsNearIt() {
        List<CounterTraffic.Gap> gaps = List.of(
                new CounterTraffic.Gap(10 * S, 16 * S),   // one fault at 10 s: unchained
                new CounterTraffic.Gap(30 * S, 37 * S),   // faults at 29 s and 33 s: a chain
                new CounterTraffic.Gap(50 * S, 54 * S),   // under 5 s: not counted
                new CounterTraffic.Gap(70 * S, 75 * S + S / 2)); // a fault at 60 s is long past: unchained, no fault near
        List<FaultEvent> faults = List.of(
                new FaultEvent(NetworkFault.BLACKHOLE, 1, Direction.UP, 10 * S),
                new FaultEvent(NetworkFault.RST, 2, Direction.UP, 29 * S),
                new FaultEvent(NetworkFault.BLACKHOLE, 3, Direction.DOWN, 33 * S),
                new FaultEvent(NetworkFault.FIN, 4, Direction.UP, 50 * S),
                new FaultEvent(NetworkFault.FIN, 5, Direction.UP, 60 * S));

        ChaosIT.LongStalls stalls = ChaosIT.LongStalls.of(gaps, faults);

        assertEquals(3, stalls.total());
        assertEquals(2, stalls.unchained());
        assertEquals(6_000, stalls.longestUnchainedMillis());
    }
}
