package io.cometgate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S8, hostile neighbours: a canary session's open-loop echo latency (S3's measurement, on the
 * websocket route) alone, then while N attackers of each kind run, each kind in turn and then
 * all at once. Each phase reports the canary's p50/p99, the gateway's heap and direct-memory
 * peaks (sampled from its admin /metrics every 250 ms), and whether the process was still
 * alive at the end.
 */
final class HostileNeighbours {

    private static final double MIB = 1024 * 1024;
    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$");
    private static final Pattern NETTY_DIRECT =
            Pattern.compile("(?m)^cometgate_netty_memory_used_bytes\\{kind=\"direct_total\"} (\\S+)$");
    private static final Pattern JDK_DIRECT = Pattern.compile("(?m)^jvm_buffer_pool_used_bytes\\{pool=\"direct\"} (\\S+)$");

    private final Scenarios scenarios;
    private final Results results;
    private final PrintWriter progress;
    private final InetSocketAddress admin;
    private final Long gatewayPid;
    private final int attackers;
    private final int settleMillis;

    /** @param admin the gateway's --admin-listen address, or {@code null} (no memory figures) */
    HostileNeighbours(Scenarios scenarios, Results results, PrintWriter progress, InetSocketAddress admin, Long gatewayPid,
                      int attackers, int settleMillis) {
        this.scenarios = scenarios;
        this.results = results;
        this.progress = progress;
        this.admin = admin;
        this.gatewayPid = gatewayPid;
        this.attackers = attackers;
        this.settleMillis = settleMillis;
    }

    /** @param only the phases to run by name ("alone", a kind's label, "all"); empty for every phase */
    void run(List<String> only, Route canary, String target, int repeat) throws Exception {
        Map<String, List<Attackers.Kind>> phases = new java.util.LinkedHashMap<>();
        phases.put("alone", List.of());
        for (Attackers.Kind kind : Attackers.Kind.values()) {
            phases.put(kind.label(), List.of(kind));
        }
        phases.put("all", List.of(Attackers.Kind.values()));
        for (String name : only) {
            if (!phases.containsKey(name)) {
                throw new IllegalArgumentException("--s8-phases: no phase '" + name + "' (known: " + phases.keySet() + ")");
            }
        }
        for (Map.Entry<String, List<Attackers.Kind>> phase : phases.entrySet()) {
            if (only.isEmpty() || only.contains(phase.getKey())) {
                phase(canary, target, phase.getKey(), phase.getValue(), repeat);
            }
        }
    }

    private void phase(Route canary, String target, String name, List<Attackers.Kind> kinds, int repeat) throws Exception {
        progress.printf("bench: S8 hostile neighbours: %s (%d attackers per kind, repeat %d)%n", name, kinds.isEmpty() ? 0 : attackers, repeat);
        progress.flush();
        AtomicLong heapPeak = new AtomicLong();
        AtomicLong directPeak = new AtomicLong();
        Thread sampler = sampler(heapPeak, directPeak);
        try (Attackers group = new Attackers(canary.address(), target)) {
            for (Attackers.Kind kind : kinds) {
                group.start(kind, attackers);
            }
            Thread.sleep(kinds.isEmpty() ? 0 : settleMillis);
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            try {
                values.putAll(scenarios.measureLatency(canary));
                values.put("canary_ok", 1.0);
            } catch (Exception refused) {
                // The figure this scenario exists for: the canary could not even open a session.
                progress.printf("bench: S8 %s: the canary failed: %s%n", name, refused.getMessage());
                values.put("canary_ok", 0.0);
            }
            values.put("heap_peak_mib", heapPeak.get() / MIB);
            values.put("direct_peak_mib", directPeak.get() / MIB);
            values.put("alive", alive() ? 1.0 : 0.0);
            if (kinds.contains(Attackers.Kind.PIPELINER)) {
                // What one pipeliner pushed: it should block once the gateway stops reading, not spin the client's CPU.
                values.put("pipeliner_sent_kib", group.written() / 1024.0 / attackers);
            }
            results.add("S8", canary.name(), name, repeat, values);
        } finally {
            sampler.interrupt();
            sampler.join(2_000);
        }
    }

    private boolean alive() {
        return gatewayPid == null || ProcessHandle.of(gatewayPid).map(ProcessHandle::isAlive).orElse(false);
    }

    private Thread sampler(AtomicLong heapPeak, AtomicLong directPeak) {
        Thread t = new Thread(() -> {
            while (admin != null && !Thread.currentThread().isInterrupted()) {
                try {
                    String scrape = scrape();
                    heapPeak.accumulateAndGet(value(HEAP, scrape), Math::max);
                    directPeak.accumulateAndGet(value(NETTY_DIRECT, scrape) + value(JDK_DIRECT, scrape), Math::max);
                    TimeUnit.MILLISECONDS.sleep(250);
                } catch (IOException e) {
                    // a missed sample (the gateway may be busy): the next one counts
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "s8-memory-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private String scrape() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(admin, 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: " + admin.getAddress().getHostAddress() + ":"
                    + admin.getPort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long value(Pattern series, String scrape) {
        Matcher m = series.matcher(scrape);
        return m.find() ? Math.max(0, (long) Double.parseDouble(m.group(1))) : 0;
    }
}
