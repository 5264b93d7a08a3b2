package io.cometgate.client;

import io.cometgate.testing.FaultProxy.FaultEvent;
import io.cometgate.testing.ProxiedConnection.Direction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What each fault of a chaos run cost on its own: the time from the fault to the first byte
 * delivered in the faulted direction after the pause it caused (the client's reads for a
 * downstream fault, the backend's for an upstream one). A chain of N faults within one stall is
 * N recoveries here, each from its own fault to the stall's end, so one slow recovery is told
 * from several quick ones in a row (the stall count alone cannot).
 *
 * <p>Pauses are only seen from 200 ms on, so a fault the flow passed over faster counts as 0.
 * Bytes already past the proxy still arrive after a cut, so a pause that begins up to
 * {@link #ONSET_MILLIS} after the fault is the fault's. A fault after which the direction never
 * flowed again (the run's end) is left out and counted in {@link #unfinished()}.
 *
 * @param millis     one recovery per fault, in ms, sorted
 * @param unfinished faults with no byte delivered after them
 */
record FaultRecoveries(long[] millis, int unfinished) {

    static final long ONSET_MILLIS = 1_000;
    static final long TARGET_MILLIS = 5_000;

    static FaultRecoveries of(List<FaultEvent> faults, List<CounterTraffic.Gap> downPauses, List<CounterTraffic.Gap> upPauses,
                              long lastDownNanos, long lastUpNanos) {
        List<Long> recoveries = new ArrayList<>();
        int unfinished = 0;
        for (FaultEvent fault : faults) {
            boolean down = fault.direction() == Direction.DOWN;
            long recovery = recovery(fault.nanos(), down ? downPauses : upPauses, down ? lastDownNanos : lastUpNanos);
            if (recovery < 0) {
                unfinished++;
            } else {
                recoveries.add(recovery);
            }
        }
        return new FaultRecoveries(recoveries.stream().mapToLong(Long::longValue).sorted().toArray(), unfinished);
    }

    /** ms from {@code faultNanos} to the end of the pause it caused, 0 if none, -1 if nothing flowed after it. */
    private static long recovery(long faultNanos, List<CounterTraffic.Gap> pauses, long lastDeliveredNanos) {
        for (CounterTraffic.Gap pause : pauses) {
            if (pause.toNanos() <= faultNanos) {
                continue;
            }
            if (pause.fromNanos() <= faultNanos + TimeUnit.MILLISECONDS.toNanos(ONSET_MILLIS)) {
                return TimeUnit.NANOSECONDS.toMillis(pause.toNanos() - faultNanos);
            }
            break;
        }
        return lastDeliveredNanos > faultNanos ? 0 : -1;
    }

    int count() {
        return millis.length;
    }

    /** The recovery at quantile {@code q} (nearest rank), 0 with none. */
    long quantile(double q) {
        if (millis.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * millis.length);
        return millis[Math.max(0, Math.min(millis.length, rank) - 1)];
    }

    long max() {
        return millis.length == 0 ? 0 : millis[millis.length - 1];
    }

    long overTarget() {
        return Arrays.stream(millis).filter(m -> m > TARGET_MILLIS).count();
    }

    String summary() {
        return String.format("per-fault recovery (fault to the first byte after it in its direction) p50 %d ms, p99 %d ms,"
                        + " max %d ms, over 5 s: %d of %d (%d at the run's end, not counted)",
                quantile(0.5), quantile(0.99), max(), overTarget(), count(), unfinished);
    }
}
