package io.cometgate.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The windowing of event-loop lag, driven with made-up clock values (no sleeping). */
class LagWindowTest {

    private static final long WINDOW = 1_000;

    @Test
    void nothingIsPublishedBeforeTheFirstWindowCompletes() {
        LagWindow w = new LagWindow(WINDOW, 0);
        w.record(700, 100);
        w.record(50, 900);
        assertEquals(0, w.lastWindowMaxNanos());
    }

    @Test
    void theLargestLagOfTheCompletedWindowIsPublished() {
        LagWindow w = new LagWindow(WINDOW, 0);
        w.record(10, 100);
        w.record(700, 400);
        w.record(20, 800);
        w.record(5, 1_000);
        assertEquals(700, w.lastWindowMaxNanos());
    }

    @Test
    void aCalmWindowReplacesABusyOne() {
        LagWindow w = new LagWindow(WINDOW, 0);
        w.record(700, 400);
        w.record(1, 1_000);
        w.record(3, 1_500);
        w.record(2, 2_000);
        assertEquals(3, w.lastWindowMaxNanos());
    }

    @Test
    void aStallSpanningSeveralWindowsIsReportedWhenTheLoopWakesUp() {
        LagWindow w = new LagWindow(WINDOW, 0);
        w.record(1, 100);
        w.record(4_500, 4_600); // the loop was blocked from 100 to 4 600
        assertEquals(4_500, w.lastWindowMaxNanos());
        w.record(2, 4_700);
        w.record(1, 5_000); // the window that started at 4 000 ends here
        assertEquals(2, w.lastWindowMaxNanos());
    }
}
