package io.cometgate.metrics;

/**
 * The largest probe delay seen in fixed windows: {@link #record} is called by one event loop
 * only, {@link #lastWindowMaxNanos} by the scraper. The published value is the max of the last
 * COMPLETE window, so a scrape never sees a half-filled window that happens to look calm.
 * Time comes in as an argument, which keeps the windowing testable without sleeping.
 */
final class LagWindow {

    private final long windowNanos;
    private long windowEnd;
    private long currentMax;
    // Written by the owning loop, read by the scraper: volatile is enough (single writer).
    private volatile long published;

    LagWindow(long windowNanos, long nowNanos) {
        this.windowNanos = windowNanos;
        this.windowEnd = nowNanos + windowNanos;
    }

    void record(long lagNanos, long nowNanos) {
        if (nowNanos - windowEnd >= 0) {
            // A loop stalled for several windows still reports its stall in the window it ends in.
            published = Math.max(currentMax, lagNanos);
            currentMax = 0;
            long behind = (nowNanos - windowEnd) / windowNanos;
            windowEnd += (behind + 1) * windowNanos;
            return;
        }
        if (lagNanos > currentMax) {
            currentMax = lagNanos;
        }
    }

    long lastWindowMaxNanos() {
        return published;
    }
}
