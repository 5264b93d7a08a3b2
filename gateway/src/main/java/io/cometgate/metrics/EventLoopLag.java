package io.cometgate.metrics;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop lag: each worker loop runs a tiny probe every {@code probeInterval}; how late the
 * probe starts is how long any other task on that loop (a frame, a poll answer) would have
 * waited. A loop blocked by slow code or starved of CPU shows here first, long before
 * latency graphs do. The probe is one scheduled task per loop, no locks, nothing shared
 * between loops; each loop writes only its own {@link LagWindow}.
 */
public final class EventLoopLag {

    private final List<Probe> probes = new java.util.concurrent.CopyOnWriteArrayList<>();

    private EventLoopLag() {
    }

    /** Starts one probe per executor of {@code group}. */
    public static EventLoopLag start(EventExecutorGroup group, Duration probeInterval, Duration window) {
        EventLoopLag lag = new EventLoopLag();
        int index = 0;
        for (EventExecutor loop : group) {
            Probe probe = new Probe(index++, loop, probeInterval.toNanos(), window.toNanos());
            lag.probes.add(probe);
            loop.execute(probe::schedule);
        }
        return lag;
    }

    public void stop() {
        for (Probe probe : probes) {
            probe.stop();
        }
    }

    /** Adds the per-loop lag and pending-task gauges to {@code metrics}. */
    public void registerWith(GatewayMetrics metrics) {
        metrics.register(GaugeWithCallback.builder().name("cometgate_event_loop_lag_seconds")
                .help("Largest delay of a probe task behind its schedule in the last complete window, per worker event loop.")
                .unit(Unit.SECONDS)
                .labelNames("loop")
                .callback(cb -> probes.forEach(p -> cb.call(p.window.lastWindowMaxNanos() / 1e9, Integer.toString(p.index))))
                .build());
        metrics.register(GaugeWithCallback.builder().name("cometgate_event_loop_pending_tasks")
                .help("Tasks queued on each worker event loop.")
                .labelNames("loop")
                .callback(cb -> probes.forEach(p -> cb.call(p.pendingTasks(), Integer.toString(p.index))))
                .build());
    }

    /** Lives on its loop: {@code expected} and {@code next} are only touched there. */
    private static final class Probe {
        private final int index;
        private final EventExecutor loop;
        private final long intervalNanos;
        private final LagWindow window;
        private long expected;
        private volatile boolean stopped;
        private ScheduledFuture<?> next;

        Probe(int index, EventExecutor loop, long intervalNanos, long windowNanos) {
            this.index = index;
            this.loop = loop;
            this.intervalNanos = intervalNanos;
            this.window = new LagWindow(windowNanos, System.nanoTime());
        }

        void schedule() {
            if (stopped || loop.isShuttingDown()) {
                return;
            }
            expected = System.nanoTime() + intervalNanos;
            next = loop.schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
        }

        private void tick() {
            long now = System.nanoTime();
            window.record(Math.max(0, now - expected), now);
            schedule();
        }

        void stop() {
            stopped = true;
            if (!loop.isShuttingDown()) {
                loop.execute(() -> {
                    if (next != null) {
                        next.cancel(false);
                    }
                });
            }
        }

        long pendingTasks() {
            return loop instanceof SingleThreadEventExecutor single ? single.pendingTasks() : 0;
        }
    }
}
