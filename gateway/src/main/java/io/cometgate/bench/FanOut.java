package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * S5: every session asks the backend for one 12-byte tick a second; delivery and latency.
 *
 * <p>Every session is opened first and only then are the ticks asked for, in one of two
 * {@link Phasing}s: spread evenly over the first second (a steady N messages a second, each
 * session on its own phase, as N independent conversations are), or all at once (a broadcast
 * to N held sessions, a burst of N messages every second). Asking as each session
 * opened (as S5 did until session 4) spread the ticks over the ramp and timed most of them
 * while later sessions were still doing their handshakes: at 7,500 sessions per client through
 * HAProxy the ramp outlasted the ticks, and the figure was the opening storm's, not the
 * fan-out's. The ramp's length is reported ({@code open_s}), and so is how close together the
 * backend sent the first ticks ({@code first_tick_spread_ms}): every session started at
 * nearly the same moment ticks at nearly the same moment, a burst of N messages a second.
 *
 * <p>Latencies go into a {@link Recorder} (wait-free per recording thread) rather than one
 * synchronized histogram every client event loop would contend for. CPU per delivered tick
 * is taken over the ticking phase only, for this client and, when its PID is known, the
 * gateway.
 */
final class FanOut {

    private final ClientContext context;
    private final Results results;
    private final PrintWriter progress;
    private final int settleMillis;
    private final Phasing phasing;
    /** The old way, kept to compare with: each session asks for its ticks as soon as it is open. */
    private final boolean askOnOpen;
    /** Between one session's ticks: 1000 is S5 as specified; lower finds the largest rate a setup carries. */
    private final int intervalMillis;
    /** Other processes on the path (HAProxy, the backend) whose CPU per tick is reported too. */
    private final Map<String, Probe> onPath;

    /** When the held sessions' ticks start, relative to one another. */
    enum Phasing {
        /** Session i of n starts at i/n of a second: N messages a second, evenly. */
        SPREAD,
        /** Every session starts at once: a burst of N messages every second. */
        BROADCAST;

        long startDelayMicros(int index, int count, int intervalMillis) {
            return this == SPREAD ? 1_000L * intervalMillis * index / Math.max(1, count) : 0;
        }
    }

    FanOut(ClientContext context, Results results, PrintWriter progress, int settleMillis, Phasing phasing,
           boolean askOnOpen, int intervalMillis, Map<String, Probe> onPath) {
        this.context = context;
        this.results = results;
        this.progress = progress;
        this.settleMillis = settleMillis;
        this.phasing = phasing;
        this.askOnOpen = askOnOpen;
        this.intervalMillis = intervalMillis;
        this.onPath = Map.copyOf(onPath);
    }

    private void say(String format, Object... args) {
        progress.printf("bench: " + format + "%n", args);
        progress.flush();
    }

    /** {@code gateway} may be null (a baseline route, or a gateway whose PID is unknown). */
    void run(Route route, Probe gateway, int sessions, int ticks, int repeat) throws Exception {
        say("S5 fan-out %s x %d sessions, %d ticks each, one per %d ms (repeat %d)", route.name(), sessions, ticks,
                intervalMillis, repeat);
        Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder delivered = new LongAdder();
        LongAccumulator firstTickMin = new LongAccumulator(Math::min, Long.MAX_VALUE);
        LongAccumulator firstTickMax = new LongAccumulator(Math::max, Long.MIN_VALUE);
        byte[] ask = ByteBuffer.allocate(9).put(BenchBackend.TICK).putInt(ticks).putInt(intervalMillis).array();
        long openStart = System.nanoTime();
        Opener.Opened opened = Opener.open(context, route, sessions, () -> new Conn.Listener() {
            private final byte[] partial = new byte[BenchBackend.TICK_BYTES];
            private int filled;

            @Override
            public void onData(Conn conn, ByteBuf data) {
                while (data.isReadable()) {
                    int n = Math.min(data.readableBytes(), BenchBackend.TICK_BYTES - filled);
                    data.readBytes(partial, filled, n);
                    filled += n;
                    if (filled == BenchBackend.TICK_BYTES) {
                        ByteBuffer tick = ByteBuffer.wrap(partial);
                        long sentAt = tick.getLong();
                        latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
                        if (tick.getInt() == 0) {
                            firstTickMin.accumulate(sentAt);
                            firstTickMax.accumulate(sentAt);
                        }
                        delivered.increment();
                        filled = 0;
                    }
                }
            }
        }, askOnOpen ? ask : null, progress);
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        int held = sessions - opened.failures();
        if (!askOnOpen) {
            say("  %d of %d sessions open in %.1f s; asking every one for %d ticks (%s)", held, sessions, openSeconds,
                    ticks, phasing.name().toLowerCase(java.util.Locale.ROOT));
            Thread.sleep(settleMillis); // the ramp's tail (its garbage, its last handshakes' work) is not the fan-out's
        }
        long selfCpu0 = CpuClock.ownCpuNanos();
        long gatewayCpu0 = gateway == null ? 0 : gateway.cpuNanos();
        Map<String, Long> onPathCpu0 = new TreeMap<>();
        onPath.forEach((name, probe) -> onPathCpu0.put(name, probe.cpuNanos()));
        int index = 0;
        for (Conn conn : opened.conns()) {
            if (!askOnOpen && conn.opened().isDone() && !conn.opened().isCompletedExceptionally()) {
                conn.loop().schedule(() -> conn.send(Scenarios.copy(ask)),
                        phasing.startDelayMicros(index++, held, intervalMillis), TimeUnit.MICROSECONDS);
            }
        }
        long tickingStart = System.nanoTime();
        long expected = (long) held * ticks;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) ticks * intervalMillis) + TimeUnit.SECONDS.toNanos(15);
        long lastReport = System.nanoTime();
        while (delivered.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                say("  %d of %d ticks delivered", delivered.sum(), expected);
            }
        }
        long got = delivered.sum();
        double tickingSeconds = (System.nanoTime() - tickingStart) / 1e9;
        // With askOnOpen the ramp's ticks came before this window opened: no per-tick figure then
        double selfCpuPerTick = askOnOpen ? Double.NaN : (CpuClock.ownCpuNanos() - selfCpu0) / 1e3 / Math.max(1, got);
        double gatewayCpuPerTick = gateway == null || askOnOpen ? Double.NaN
                : (gateway.cpuNanos() - gatewayCpu0) / 1e3 / Math.max(1, got);
        Map<String, Double> cpu = cpuPerTick(route, gateway, got, selfCpuPerTick, gatewayCpuPerTick, onPathCpu0);
        Opener.closeAll(opened.conns());
        Histogram h = latency.getIntervalHistogram();
        long all = (long) sessions * ticks;
        long spread = firstTickMax.get() - firstTickMin.get();
        Map<String, Double> row = Scenarios.values(
                "delivered_percent", 100.0 * got / all, "failed_sessions", (double) opened.failures(),
                "p50_ms", h.getValueAtPercentile(50) / 1e6, "p99_ms", h.getValueAtPercentile(99) / 1e6,
                "max_ms", h.getMaxValue() / 1e6,
                "open_s", openSeconds,
                "first_tick_spread_ms", spread < 0 ? Double.NaN : spread / 1e6,
                "client_cpu_us_per_tick", selfCpuPerTick,
                "rate_msg_per_s", held * 1000.0 / intervalMillis, "ticking_s", tickingSeconds);
        row.putAll(cpu);
        results.add("S5", route.name(), "n=" + sessions, repeat, row);
        Thread.sleep(settleMillis);
    }

    /**
     * CPU microseconds per delivered tick in each process on the path, their sum, and the
     * ceiling it implies: the messages a second this machine's cores could carry if the path
     * had them all ({@code cores x 1e6 / sum}). Only on the gateway's routes, whose path this is.
     */
    private Map<String, Double> cpuPerTick(Route route, Probe gateway, long got, double self, double ofGateway,
                                           Map<String, Long> onPathCpu0) {
        Map<String, Double> out = Scenarios.values("client_cpu_us_per_tick", self, "gateway_cpu_us_per_tick", ofGateway);
        if (askOnOpen || gateway == null) { // a baseline's path (client and backend only) is not the one asked about
            return out;
        }
        double sum = self + ofGateway;
        for (Map.Entry<String, Long> e : onPathCpu0.entrySet()) {
            double us = (onPath.get(e.getKey()).cpuNanos() - e.getValue()) / 1e3 / Math.max(1, got);
            out.put(e.getKey() + "_cpu_us_per_tick", us);
            sum += us;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        out.put("path_cpu_us_per_tick", sum);
        out.put("ceiling_msg_per_s", got == 0 ? Double.NaN : cores * 1e6 / sum);
        return out;
    }
}
