package io.cometgate.bench;

import io.netty.buffer.ByteBuf;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scenarios that hold many sessions and look at the server from outside (S1 idle
 * capacity, S6 churn; S5 fan-out is {@link FanOut}). Upstream POST connections are not kept alive here: an
 * idle page holds one downstream connection, and the gateway's 20,000 files must hold both
 * the browser side and the backend side of 9,000 sessions.
 */
final class Capacity {

    record Options(List<Integer> s1Sessions, int idleSeconds,
                   int s6Steady, int s6Rate, int s6Seconds, int warmupMillis) {
    }

    private final ClientContext context;
    private final Options options;
    private final Results results;
    private final PrintWriter progress;

    Capacity(ClientContext context, Options options, Results results, PrintWriter progress) {
        this.context = context.withPostKeepAlive(false);
        this.options = options;
        this.results = results;
        this.progress = progress;
    }

    private void say(String format, Object... args) {
        progress.printf("bench: " + format + "%n", args);
        progress.flush();
    }

    /** S1: hold N idle sessions (each echoed once), then weigh the server. */
    void idle(Route route, Probe probe, int sessions, int repeat) throws Exception {
        say("S1 idle %s x %d sessions (repeat %d)", route.name(), sessions, repeat);
        if (repeat == 1) {
            // A first pass warms the server (JIT, buffer arenas) so the slope is not the JVM's start-up
            Opener.Opened warm = Opener.open(context, route, Math.min(sessions, 200), () -> (c, d) -> { },
                    Opener.bytes(BenchBackend.ECHO, new byte[8]), progress);
            Thread.sleep(options.warmupMillis);
            Opener.closeAll(warm.conns());
            waitForFiles(probe, probe.openFiles() - 2L * warm.conns().size(), 20);
        }
        long heap0 = probe.heapAfterGc();
        long rss0 = probe.rss();
        long pss0 = probe.pss();
        long fds0 = probe.openFiles();
        long[] sock0 = Probe.tcpSockets();
        CountDownLatch echoed = new CountDownLatch(sessions);
        Opener.Opened opened = Opener.open(context, route, sessions, () -> new Conn.Listener() {
            private int got;

            @Override
            public void onData(Conn conn, ByteBuf data) {
                got += data.readableBytes();
                if (got >= 8 && got - data.readableBytes() < 8) {
                    echoed.countDown();
                }
            }
        }, Opener.bytes(BenchBackend.ECHO, new byte[8]), progress);
        boolean allEchoed = echoed.await(60, TimeUnit.SECONDS);
        long notEchoed = echoed.getCount();
        Thread.sleep(options.warmupMillis);
        long heap1 = probe.heapAfterGc();
        long rss1 = probe.rss();
        long pss1 = probe.pss();
        long fds1 = probe.openFiles();
        long[] sock1 = Probe.tcpSockets();
        long cpu0 = probe.cpuNanos();
        long t0 = System.nanoTime();
        say("  %d sessions held; measuring idle CPU for %d s", sessions - opened.failures(), options.idleSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(options.idleSeconds));
        double cpuPercent = 100.0 * (probe.cpuNanos() - cpu0) / (System.nanoTime() - t0);
        Opener.closeAll(opened.conns());
        double n = sessions;
        results.add("S1", route.name(), "n=" + sessions, repeat, Scenarios.values(
                "held", (double) (sessions - Math.max(opened.failures(), notEchoed)),
                "failures", (double) Math.max(opened.failures(), notEchoed),
                "heap_per_session_B", heap0 < 0 ? Double.NaN : (heap1 - heap0) / n,
                "rss_per_session_B", (rss1 - rss0) / n,
                "pss_per_session_B", (pss1 - pss0) / n,
                "server_fds_per_session", (fds1 - fds0) / n,
                "kernel_tcp_sockets_per_session", (sock1[0] - sock0[0]) / n,
                "kernel_tcp_mem_per_session_B", (sock1[1] - sock0[1]) * 4096.0 / n,
                "idle_cpu_percent", cpuPercent));
        if (!allEchoed && opened.firstFailure() != null) {
            say("  first failure: %s", opened.firstFailure());
        }
        waitForFiles(probe, fds0, 40);
    }

    /** S6: steady sessions plus a stream of short ones; heap and files must come back after the drain. */
    void churn(Route route, Probe probe, int repeat) throws Exception {
        say("S6 churn %s: %d steady + %d/s for %d s (repeat %d)", route.name(), options.s6Steady, options.s6Rate,
                options.s6Seconds, repeat);
        long heap0 = probe.heapAfterGc();
        long fds0 = probe.openFiles();
        Opener.Opened steady = Opener.open(context, route, options.s6Steady, () -> (c, d) -> { },
                Opener.bytes(BenchBackend.ECHO, new byte[8]), progress);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Conn> churned = new ArrayList<>();
        long interval = 1_000_000_000L / options.s6Rate;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.s6Seconds);
        long next = System.nanoTime();
        long peakFds = 0;
        long lastReport = System.nanoTime();
        long lastSample = System.nanoTime();
        while (System.nanoTime() < end) {
            Conn conn = route.connect(context, new Conn.Listener() {
                private boolean done;

                @Override
                public void onData(Conn c, ByteBuf data) {
                    if (!done) {
                        done = true;
                        completed.incrementAndGet();
                        c.close();
                    }
                }

                @Override
                public void onClosed(Conn c, String reason) {
                    if (!done) {
                        done = true;
                        failed.incrementAndGet();
                    }
                }
            });
            churned.add(conn);
            conn.opened().thenRun(() -> conn.loop().execute(() -> conn.send(Scenarios.copy(new byte[] {BenchBackend.ECHO, 1}))));
            next += interval;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            if (System.nanoTime() - lastSample > TimeUnit.SECONDS.toNanos(1)) {
                lastSample = System.nanoTime();
                peakFds = Math.max(peakFds, probe.openFiles());
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                long fds = probe.openFiles();
                say("  churn: %d completed, %d failed, server files %d", completed.get(), failed.get(), fds);
            }
        }
        Thread.sleep(options.warmupMillis);
        int churnedOk = completed.get();
        int churnFailed = failed.get();
        Opener.closeAll(steady.conns());
        Opener.closeAll(churned);
        long fdsAfter = waitForFiles(probe, fds0, 40);
        long heapAfter = probe.heapAfterGc();
        results.add("S6", route.name(), "", repeat, Scenarios.values(
                "churned_sessions", (double) churnedOk, "churn_failures", (double) churnFailed,
                "steady_failures", (double) steady.failures(),
                "server_fds_before", (double) fds0, "server_fds_peak", (double) peakFds, "server_fds_after", (double) fdsAfter,
                "heap_before_KB", heap0 / 1024.0, "heap_after_KB", heapAfter / 1024.0));
    }

    /** Waits (bounded) until the server's open files are back near {@code baseline}; returns the last count. */
    private long waitForFiles(Probe probe, long baseline, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long fds = probe.openFiles();
        while (fds > baseline + 2 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            fds = probe.openFiles();
        }
        return fds;
    }
}
