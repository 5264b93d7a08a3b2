package io.cometgate.client;

import io.cometgate.testing.FaultProxy.FaultEvent;
import io.cometgate.testing.NetworkFault;
import io.cometgate.testing.ProxiedConnection.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FaultRecoveriesTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void eachFaultInAChainRecoversWhenTheStallItFellInEnds() {
        // One stall of 9 s across three faults: one stall over 5 s, but recoveries of 9, 6 and 2 s.
        List<CounterTraffic.Gap> down = List.of(new CounterTraffic.Gap(10 * S + 100 * MS, 19 * S));
        List<FaultEvent> faults = List.of(
                down(NetworkFault.BLACKHOLE, 10 * S),
                down(NetworkFault.RST, 13 * S),
                down(NetworkFault.BLACKHOLE, 17 * S));

        FaultRecoveries recoveries = FaultRecoveries.of(faults, down, List.of(), 30 * S, 30 * S);

        assertArrayEquals(new long[] {2_000, 6_000, 9_000}, recoveries.millis());
        assertEquals(2, recoveries.overTarget());
        assertEquals(9_000, recoveries.max());
        assertEquals(6_000, recoveries.quantile(0.5));
    }

    @Test
    void aFaultIsJudgedByThePausesOfItsOwnDirection() {
        List<CounterTraffic.Gap> down = List.of(new CounterTraffic.Gap(5 * S, 12 * S));
        List<CounterTraffic.Gap> up = List.of(new CounterTraffic.Gap(5 * S + 300 * MS, 6 * S + 500 * MS));
        List<FaultEvent> faults = List.of(new FaultEvent(NetworkFault.HALF_CLOSE, 1, Direction.UP, 5 * S));

        FaultRecoveries recoveries = FaultRecoveries.of(faults, down, up, 30 * S, 30 * S);

        assertArrayEquals(new long[] {1_500}, recoveries.millis());
    }

    @Test
    void aPauseStartingLongAfterTheFaultIsNotItsAndNoPauseMeansUnder200Ms() {
        // Bytes flowed on for 3 s after the fault: the later pause has another cause.
        List<CounterTraffic.Gap> down = List.of(new CounterTraffic.Gap(8 * S, 15 * S));
        List<FaultEvent> faults = List.of(down(NetworkFault.FIN, 5 * S), down(NetworkFault.RST, 7 * S + 500 * MS));

        FaultRecoveries recoveries = FaultRecoveries.of(faults, down, List.of(), 30 * S, 30 * S);

        assertArrayEquals(new long[] {0, 7_500}, recoveries.millis());
        assertEquals(1, recoveries.overTarget());
    }

    @Test
    void aFaultAfterWhichNothingFlowedIsCountedApart() {
        List<FaultEvent> faults = List.of(down(NetworkFault.RST, 5 * S), down(NetworkFault.RST, 20 * S));

        FaultRecoveries recoveries = FaultRecoveries.of(faults, List.of(), List.of(), 10 * S, 10 * S);

        assertArrayEquals(new long[] {0}, recoveries.millis());
        assertEquals(1, recoveries.unfinished());
    }

    @Test
    void quantilesTakeTheNearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = (i + 1) * 10L;
        }
        FaultRecoveries recoveries = new FaultRecoveries(hundred, 0);

        assertEquals(500, recoveries.quantile(0.5));
        assertEquals(990, recoveries.quantile(0.99));
        assertEquals(1_000, recoveries.max());
        assertEquals(0, new FaultRecoveries(new long[0], 0).quantile(0.99));
    }

    private static FaultEvent down(NetworkFault fault, long nanos) {
        return new FaultEvent(fault, 1, Direction.DOWN, nanos);
    }
}
