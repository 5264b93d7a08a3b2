package io.cometgate.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SteadyRateTest {

    /** Feeds rates until reached() says steady; returns how many it took, or -1 if never. */
    private static int windowsUntilSteady(SteadyRate steady, double... rates) {
        for (double rate : rates) {
            steady.add(rate);
            if (steady.reached()) {
                return steady.seen();
            }
        }
        return -1;
    }

    @Test
    void aRateThatKeepsRisingIsNeverSteady() {
        assertEquals(-1, windowsUntilSteady(new SteadyRate(4, 0.05), 7, 9, 12, 15, 16.4, 19.5, 21, 22.5, 24, 26));
    }

    @Test
    void theClimbOfAFreshGatewayEndsOnceFourWindowsSetNoNewRecord() {
        // session 14's fresh gateway, S4 at 1,000 sessions, thousands of round trips per one-second window
        double[] curve = {7.1, 9.0, 12.8, 15.4, 11.4, 16.4, 12.9, 19.5, 14.3, 17.3, 18.3, 22.5, 20.7, 20.1, 17.0, 15.1, 22.7};
        assertEquals(16, windowsUntilSteady(new SteadyRate(4, 0.05), curve));
        // three windows would have called it at the 11th, 18% below the 22.5 still to come
        assertEquals(11, windowsUntilSteady(new SteadyRate(3, 0.05), curve));
    }

    @Test
    void aNoisyFlatRateIsSteadyAfterTheFewestWindows() {
        assertEquals(5, windowsUntilSteady(new SteadyRate(4, 0.05), 50, 44, 52, 47, 49));
    }

    @Test
    void aRecordWithinTheAllowedRiseDoesNotCount() {
        assertEquals(5, windowsUntilSteady(new SteadyRate(4, 0.05), 100, 104.9, 90, 95, 98));
        assertEquals(-1, windowsUntilSteady(new SteadyRate(4, 0.05), 100, 105.1, 90, 95, 98));
    }

    @Test
    void nothingIsSteadyBeforeThereIsAWindowToCompareWith() {
        SteadyRate steady = new SteadyRate(4, 0.05);
        for (int i = 0; i < 4; i++) {
            steady.add(10);
        }
        assertFalse(steady.reached());
        steady.add(10);
        assertTrue(steady.reached());
        assertEquals(10, steady.last());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SteadyRate(0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new SteadyRate(3, -0.1));
    }
}
