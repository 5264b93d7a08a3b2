package io.cometgate.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window growth rule, driven with made-up clock values (no sleeping). */
class WindowTunerTest {

    private static final long KIB = 1024;
    private static final long INITIAL = 128 * KIB;
    private static final long MAX = 1024 * KIB;
    private static final long RTT = 1_000_000; // 1 ms

    private static WindowTuner opened(WindowBudget budget) {
        budget.open(INITIAL);
        return new WindowTuner(INITIAL, MAX, budget, 0);
    }

    /** Consumes windows back to back, each in {@code nanosPerWindow}, grant by grant (a quarter window each). */
    private static long run(WindowTuner tuner, int windows, long nanosPerWindow, long startNanos) {
        long now = startNanos;
        long extra = 0;
        for (int i = 0; i < windows; i++) {
            long quarter = tuner.window() / 4;
            for (int q = 0; q < 4; q++) {
                now += nanosPerWindow / 4;
                extra += tuner.consumed(quarter, now, RTT);
            }
        }
        return extra;
    }

    @Test
    void aWindowUsedWithinOneRoundTripDoublesUpToTheMaximum() {
        WindowTuner tuner = opened(new WindowBudget(16 * MAX));
        long extra = run(tuner, 1, RTT, 0);
        assertEquals(2 * INITIAL, tuner.window());
        assertEquals(INITIAL, extra, "the growth goes out as extra credit");
        run(tuner, 10, RTT, RTT);
        assertEquals(MAX, tuner.window(), "never past --max-window");
    }

    @Test
    void aWindowUsedSlowerThanTwoRoundTripsStaysAsItIs() {
        WindowTuner tuner = opened(new WindowBudget(16 * MAX));
        assertEquals(0, run(tuner, 10, 3 * RTT, 0));
        assertEquals(INITIAL, tuner.window());
    }

    @Test
    void nothingGrowsWhileTheRoundTripIsUnknown() {
        WindowTuner tuner = opened(new WindowBudget(16 * MAX));
        assertEquals(0, tuner.consumed(INITIAL, 1, 0));
        assertEquals(INITIAL, tuner.window());
    }

    @Test
    void lessThanHalfAWindowIsNotJudged() {
        WindowTuner tuner = opened(new WindowBudget(16 * MAX));
        assertEquals(0, tuner.consumed(INITIAL / 4, 1, RTT));
        assertEquals(INITIAL, tuner.window());
        assertEquals(INITIAL, tuner.consumed(INITIAL / 4, 2, RTT), "half a window in 2 ns: too fast, doubles");
    }

    @Test
    void theSumOfASessionsWindowsNeverPassesItsBudget() {
        WindowBudget budget = new WindowBudget(512 * KIB);
        WindowTuner tuner = opened(budget);
        run(tuner, 20, RTT, 0);
        assertEquals(512 * KIB, tuner.window(), "128k + 128k + 256k: the budget, short of the 1m maximum");
        assertEquals(budget.limit(), budget.used());
    }

    @Test
    void severalBusyChannelsStopGrowingSoonerThanOne() {
        WindowBudget budget = new WindowBudget(1024 * KIB);
        WindowTuner[] channels = new WindowTuner[4];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = opened(budget);
        }
        for (int round = 0; round < 20; round++) {
            for (WindowTuner c : channels) {
                run(c, 1, RTT, round * RTT);
            }
        }
        long sum = 0;
        for (WindowTuner c : channels) {
            sum += c.window();
            assertTrue(c.window() < MAX, "one of four busy channels stays below the maximum: " + c.window());
        }
        assertEquals(1024 * KIB, sum, "together they use the budget, and no more");
        assertEquals(1024 * KIB, budget.used());
    }

    @Test
    void aChannelThatEndsGivesItsWindowBackForAnotherToGrow() {
        WindowBudget budget = new WindowBudget(1024 * KIB);
        WindowTuner first = opened(budget);
        run(first, 20, RTT, 0);
        assertEquals(MAX, first.window());
        WindowTuner second = opened(budget);
        run(second, 20, RTT, 0);
        assertEquals(INITIAL, second.window(), "no room while the first holds the whole budget");

        first.release();
        budget.close(INITIAL);
        assertEquals(INITIAL, budget.used());
        run(second, 20, RTT, 40 * RTT);
        assertEquals(MAX, second.window());
    }
}
