package io.cometgate.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells when a warming route's rate has stopped rising: its last {@code windows} one-second
 * rates set no record more than {@code rise} above the best rate before them.
 *
 * <p>A fresh gateway's S4 rate at 1,000 sessions climbs for about 10-15 s while the JIT compiles
 * its paths (7k to 20k round trips/s in one run, session 14), and a fixed two-second warm-up
 * left the first repeat inside the climb. A rate that is only noisy (+-15% a second on this
 * machine) stops setting records within a few windows, so its warm-up ends soon; a rising one
 * keeps setting them. Not thread-safe: one warm-up's own thread feeds it.
 */
final class SteadyRate {

    private final int windows;
    private final double rise;
    private final List<Double> rates = new ArrayList<>();

    SteadyRate(int windows, double rise) {
        if (windows < 1 || rise < 0) {
            throw new IllegalArgumentException("windows must be >= 1 and rise >= 0");
        }
        this.windows = windows;
        this.rise = rise;
    }

    /** One window's rate, in whatever unit the caller counts. */
    void add(double rate) {
        rates.add(rate);
    }

    /** True once the last {@code windows} rates came after at least one other and beat none of them by more than {@code rise}. */
    boolean reached() {
        int before = rates.size() - windows;
        if (before < 1) {
            return false;
        }
        double best = max(0, before);
        return max(before, rates.size()) <= best * (1 + rise);
    }

    /** The windows seen so far. */
    int seen() {
        return rates.size();
    }

    /** The most recent window's rate; NaN before the first. */
    double last() {
        return rates.isEmpty() ? Double.NaN : rates.get(rates.size() - 1);
    }

    private double max(int from, int to) {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            best = Math.max(best, rates.get(i));
        }
        return best;
    }
}
