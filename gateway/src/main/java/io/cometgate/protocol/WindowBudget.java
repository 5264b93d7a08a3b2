package io.cometgate.protocol;

/**
 * How far one session's channels may grow their receive windows, together, in one direction
 * (docs/PROTOCOL.md, "Growing windows"). The budget caps the SUM of the windows: every channel
 * starts with the protocol's initial window (counted here as it opens), and growth is granted
 * only while the sum stays within the budget. So one fast channel may take most of the budget,
 * several busy channels stop growing sooner, and an idle session costs nothing extra.
 * Not thread-safe: a session's channels all run on its event loop.
 */
public final class WindowBudget {

    private final long limit;
    private long used;
    /** The initial windows of the open channels: what {@link #used} holds beyond them is growth. */
    private long opened;

    public WindowBudget(long limit) {
        this.limit = limit;
    }

    /** A channel opened with the initial window: counted, never refused (the protocol promises it). */
    public void open(long initialWindow) {
        used += initialWindow;
        opened += initialWindow;
    }

    /** A channel ended: its initial window is free again (its growth comes back through {@link #free}). */
    public void close(long initialWindow) {
        free(initialWindow);
        opened = Math.max(0, opened - initialWindow);
    }

    /** Takes up to {@code wanted} bytes of room; returns what it got (0 when the budget is spent). */
    long reserve(long wanted) {
        long granted = Math.max(0, Math.min(wanted, limit - used));
        used += granted;
        return granted;
    }

    void free(long bytes) {
        used = Math.max(0, used - bytes);
    }

    public long used() {
        return used;
    }

    /** How far the open channels' windows grew beyond their initial windows, together. */
    public long grown() {
        return Math.max(0, used - opened);
    }

    public long limit() {
        return limit;
    }
}
