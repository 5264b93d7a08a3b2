package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The throughput and latency scenarios (S2 bulk, S3 ping-pong latency, S4 message rate,
 * S7 bytes on the wire) for one route at a time; the caller interleaves routes within each
 * repeat so noisy minutes hit every route alike. S0 is S2-S4 on the direct and relay routes.
 */
final class Scenarios {

    static final int SMALL = 64;

    /**
     * {@code steadyCapSeconds} > 0 makes S2 and S4 a route's unrecorded warm-up: each runs at least
     * {@code durationSeconds}, then on until its rate is steady ({@link SteadyRate}), at most that long.
     */
    record Options(int durationSeconds, int s3Rate, List<Integer> s4Sessions, int s7Messages, int warmupMillis,
                   int steadyCapSeconds) {
    }

    /** A warm-up is steady when its last four one-second rates set no record 5% above the best before them. */
    private static final int STEADY_WINDOWS = 4;
    private static final double STEADY_RISE = 0.05;

    /**
     * The processes S2 and S4 charge CPU to: the server each route crosses (gateway or relay, by route
     * name; none for direct) and the backend. Either may be missing (an outside process).
     */
    record CpuProbes(Map<String, Probe> servers, Probe backend) {
        static final CpuProbes NONE = new CpuProbes(Map.of(), null);
    }

    private final ClientContext context;
    private final Options options;
    private final Results results;
    private final PrintWriter progress;
    private final CpuProbes cpu;

    Scenarios(ClientContext context, Options options, Results results, PrintWriter progress) {
        this(context, options, results, progress, CpuProbes.NONE);
    }

    Scenarios(ClientContext context, Options options, Results results, PrintWriter progress, CpuProbes cpu) {
        this.context = context;
        this.options = options;
        this.results = results;
        this.progress = progress;
        this.cpu = cpu;
    }

    /**
     * The same scenarios as a route's unrecorded warm-up: S2 and S4 run at least {@code seconds},
     * then until their rate is steady, at most {@code capSeconds} (not above {@code seconds}: a
     * fixed warm-up); results go nowhere.
     */
    Scenarios warmUp(int seconds, int capSeconds) {
        return new Scenarios(context, new Options(seconds, options.s3Rate, options.s4Sessions, options.s7Messages, 0,
                capSeconds > seconds ? capSeconds : 0), new Results(), progress, CpuProbes.NONE);
    }

    private void say(String format, Object... args) {
        progress.printf("bench: " + format + "%n", args);
        progress.flush();
    }

    /** S2: the backend sources 64 KiB writes as fast as one channel carries them. */
    void bulk(Route route, int repeat) throws Exception {
        say("S2 bulk %s (repeat %d, %d s)", route.name(), repeat, options.durationSeconds);
        LongAdder bytes = new LongAdder();
        Conn conn = one(route, (c, data) -> bytes.add(data.readableBytes()), new byte[] {BenchBackend.SOURCE});
        Thread.sleep(options.warmupMillis / 2);
        if (options.steadyCapSeconds > 0) {
            warmUntilSteady(route, bytes, 1e-6, "MB/s");
            conn.close();
            return;
        }
        CpuClock clock = new CpuClock(cpu.servers().get(route.name()), cpu.backend());
        long b0 = bytes.sum();
        long t0 = System.nanoTime();
        sleepWithProgress(options.durationSeconds, () -> String.format("%.0f MB/s so far",
                (bytes.sum() - b0) / ((System.nanoTime() - t0) / 1e9) / 1e6));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double megabytes = (bytes.sum() - b0) / 1e6;
        Map<String, Double> values = values("MB_per_s", megabytes / seconds);
        values.putAll(clock.millisPerMegabyte(megabytes));
        conn.close();
        results.add("S2", route.name(), "", repeat, values);
    }

    /** S3: open-loop 64 B ping-pong at a fixed rate; latency from the intended send time. */
    void latency(Route route, int repeat) throws Exception {
        say("S3 latency %s (repeat %d, %d msg/s for %d s)", route.name(), repeat, options.s3Rate, options.durationSeconds);
        results.add("S3", route.name(), "", repeat, measureLatency(route));
    }

    /** S3's measurement, for S8's canary as well: p50/p99/p999/max in microseconds, sent, received. */
    Map<String, Double> measureLatency(Route route) throws Exception {
        int rate = options.s3Rate;
        Histogram histogram = new org.HdrHistogram.SynchronizedHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong received = new AtomicLong();
        // Set once the connection is open: a handshake slower than the whole run (a loaded machine) must not leave it unmeasured
        long[] measuredFrom = {Long.MAX_VALUE};
        long opening = System.nanoTime();
        Conn conn = one(route, new Stamped(SMALL) {
            @Override
            void message(Conn c, long stamp) {
                long now = System.nanoTime();
                if (stamp >= measuredFrom[0]) {
                    histogram.recordValue(Math.max(0, now - stamp));
                    received.incrementAndGet();
                }
            }
        }, new byte[] {BenchBackend.ECHO});
        double openMillis = (System.nanoTime() - opening) / 1e6; // S8: what a hostile neighbour does to a new session
        long start = System.nanoTime();
        long warmupEnd = start + TimeUnit.MILLISECONDS.toNanos(options.warmupMillis);
        measuredFrom[0] = warmupEnd;
        long interval = 1_000_000_000L / rate;
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(options.durationSeconds);
        long[] next = {start};
        long[] sent = {0};
        CountDownLatch done = new CountDownLatch(1);
        // Pacing runs on the connection's own loop, so sending never races the receive path.
        Runnable pace = new Runnable() {
            @Override
            public void run() {
                long now = System.nanoTime();
                while (next[0] <= now && next[0] < end) {
                    conn.send(Opener.stamp(next[0], SMALL));
                    if (next[0] >= warmupEnd) {
                        sent[0]++;
                    }
                    next[0] += interval;
                }
                if (next[0] >= end) {
                    done.countDown();
                } else {
                    conn.loop().schedule(this, Math.max(0, next[0] - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
        };
        conn.loop().execute(pace);
        done.await(options.durationSeconds + 30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received.get() < sent[0] && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        conn.close();
        Histogram copy;
        synchronized (histogram) {
            copy = histogram.copy();
        }
        return values(
                "p50_us", copy.getValueAtPercentile(50) / 1e3, "p99_us", copy.getValueAtPercentile(99) / 1e3,
                "p999_us", copy.getValueAtPercentile(99.9) / 1e3, "max_us", copy.getMaxValue() / 1e3,
                "sent", (double) sent[0], "received", (double) received.get(), "open_ms", openMillis);
    }

    /** S4: N sessions, each with one 64 B message in flight; round trips per second. */
    void rate(Route route, int sessions, int repeat) throws Exception {
        say("S4 rate %s x %d sessions (repeat %d, %d s)", route.name(), sessions, repeat, options.durationSeconds);
        LongAdder trips = new LongAdder();
        byte[] first = new byte[1 + SMALL];
        first[0] = BenchBackend.ECHO;
        Opener.Opened opened = Opener.open(context, route, sessions, () -> new Stamped(SMALL) {
            @Override
            void message(Conn c, long stamp) {
                trips.increment();
                c.send(Opener.stamp(System.nanoTime(), SMALL));
            }
        }, first, progress);
        Thread.sleep(options.warmupMillis);
        if (options.steadyCapSeconds > 0) {
            warmUntilSteady(route, trips, 1, "round trips/s");
            Opener.closeAll(opened.conns());
            return;
        }
        CpuClock clock = new CpuClock(cpu.servers().get(route.name()), cpu.backend());
        long t0 = System.nanoTime();
        long n0 = trips.sum();
        sleepWithProgress(options.durationSeconds, () -> String.format("%.0f round trips/s so far",
                (trips.sum() - n0) / ((System.nanoTime() - t0) / 1e9)));
        long made = trips.sum() - n0;
        double perSecond = made / ((System.nanoTime() - t0) / 1e9);
        Map<String, Double> values = values("round_trips_per_s", perSecond, "failed_sessions", (double) opened.failures());
        values.putAll(clock.microsPerRoundTrip(made));
        Opener.closeAll(opened.conns());
        results.add("S4", route.name(), "n=" + sessions, repeat, values);
        Thread.sleep(options.warmupMillis); // let the closes settle before the next route
    }

    /** S7: bytes crossing the client's sockets per 64 B message, one message in flight at a time. */
    void wire(Route route, int repeat) throws Exception {
        int messages = options.s7Messages;
        say("S7 wire bytes %s (repeat %d, %d messages)", route.name(), repeat, messages);
        ClientContext counted = context.withPostKeepAlive(true);
        int[] left = {0};
        CountDownLatch[] round = {new CountDownLatch(1)};
        Conn conn = one(counted, route, new Stamped(SMALL) {
            @Override
            void message(Conn c, long stamp) {
                round[0].countDown();
            }
        }, new byte[] {BenchBackend.ECHO});
        long up0 = 0;
        long down0 = 0;
        for (int i = -20; i < messages; i++) {
            if (i == 0) {
                Thread.sleep(300); // let trailing acks and credits from the warm-up settle
                up0 = counted.wire.written.sum();
                down0 = counted.wire.read.sum();
            }
            round[0] = new CountDownLatch(1);
            conn.loop().execute(() -> conn.send(Opener.stamp(System.nanoTime(), SMALL)));
            if (!round[0].await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("S7 " + route.name() + ": no echo within 30 s");
            }
            left[0]++;
        }
        Thread.sleep(300);
        double up = (counted.wire.written.sum() - up0) / (double) messages;
        double down = (counted.wire.read.sum() - down0) / (double) messages;
        conn.close();
        results.add("S7", route.name(), "", repeat, values("up_bytes_per_msg", up, "down_bytes_per_msg", down,
                "payload_bytes", (double) SMALL, "overhead_x", (up + down) / (2.0 * SMALL)));
    }

    private Conn one(Route route, Conn.Listener listener, byte[] first) throws Exception {
        return one(context, route, listener, first);
    }

    private Conn one(ClientContext ctx, Route route, Conn.Listener listener, byte[] first) throws Exception {
        Opener.Opened opened = Opener.open(ctx, route, 1, () -> listener, first, progress);
        if (opened.failures() > 0) {
            throw new IllegalStateException(route.name() + ": could not open a connection: " + opened.firstFailure());
        }
        return opened.conns().get(0);
    }

    /**
     * A warm-up's run: at least {@code durationSeconds}, then one-second windows until the rate
     * stops rising or {@code steadyCapSeconds} have passed, so the first recorded repeat does not
     * land in the climb of a fresh JIT. Says how long it took and at what rate.
     */
    private void warmUntilSteady(Route route, LongAdder done, double scale, String unit) throws InterruptedException {
        SteadyRate steady = new SteadyRate(STEADY_WINDOWS, STEADY_RISE);
        long start = System.nanoTime();
        long least = start + TimeUnit.SECONDS.toNanos(options.durationSeconds);
        long most = start + TimeUnit.SECONDS.toNanos(options.steadyCapSeconds);
        long windowStart = start;
        long counted = done.sum();
        while (true) {
            Thread.sleep(1000);
            long now = System.nanoTime();
            long sum = done.sum();
            steady.add((sum - counted) * scale / ((now - windowStart) / 1e9));
            windowStart = now;
            counted = sum;
            if (now >= least && steady.reached()) {
                say("  %s steady after %.0f s: %.0f %s", route.name(), (now - start) / 1e9, steady.last(), unit);
                return;
            }
            if (now >= most) {
                say("  %s still rising after %.0f s (%.0f %s); measured from here anyway", route.name(), (now - start) / 1e9,
                        steady.last(), unit);
                return;
            }
        }
    }

    private void sleepWithProgress(int seconds, java.util.function.Supplier<String> status) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 5000));
            if (end - System.nanoTime() > 0) {
                say("  %s", status.get());
            }
        }
    }

    static Map<String, Double> values(Object... pairs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return out;
    }

    static ByteBuf copy(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes.clone());
    }

    static List<Route> withBaselines(List<Route> baselines, List<Route> routes) {
        List<Route> all = new ArrayList<>(baselines);
        all.addAll(routes);
        return all;
    }
}
