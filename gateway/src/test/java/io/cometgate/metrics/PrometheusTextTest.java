package io.cometgate.metrics;

import io.netty.channel.DefaultEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exposition text: every series an on-call engineer is told about in docs/OPERATIONS.md. */
class PrometheusTextTest {

    @Test
    void registeredSourcesAreAppendedAfterTheCounters() {
        GatewayMetrics m = new GatewayMetrics();
        m.register(out -> out.append("# TYPE extra gauge\nextra 7\n"));
        String text = PrometheusText.render(m, () -> 3);
        assertTrue(text.contains("\ncometgate_sessions 3\n"), text);
        assertTrue(text.endsWith("extra 7\n"), text);
    }

    @Test
    void tlsHandshakeFailuresAreACounter() {
        GatewayMetrics m = new GatewayMetrics();
        m.tlsHandshakeFailures.add(4);
        String text = PrometheusText.render(m, () -> 0);
        assertTrue(text.contains("# TYPE cometgate_tls_handshake_failures_total counter\ncometgate_tls_handshake_failures_total 4\n"), text);
    }

    @Test
    void eventLoopLagHasOneGaugePerWorkerLoop() {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(3);
        EventLoopLag lag = EventLoopLag.start(group, Duration.ofMillis(100), Duration.ofSeconds(15));
        try {
            StringBuilder out = new StringBuilder();
            lag.writeTo(out);
            String text = out.toString();
            for (int i = 0; i < 3; i++) {
                assertTrue(text.contains("cometgate_event_loop_lag_seconds{loop=\"" + i + "\"} "), text);
                assertTrue(text.contains("cometgate_event_loop_pending_tasks{loop=\"" + i + "\"} "), text);
            }
            assertEquals(1, count(text, "# TYPE cometgate_event_loop_lag_seconds gauge"));
        } finally {
            lag.stop();
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void processStatsReportHeapAndFileDescriptors() {
        ProcessStats stats = ProcessStats.start(Duration.ofHours(1));
        try {
            stats.sample();
            StringBuilder out = new StringBuilder();
            stats.writeTo(out);
            String text = out.toString();
            assertTrue(value(text, "cometgate_jvm_heap_used_bytes") > 0, text);
            long open = value(text, "process_open_fds");
            long max = value(text, "process_max_fds");
            assertTrue(open > 0 && open <= max, text);
        } finally {
            stats.stop();
        }
    }

    private static long value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (-?\\d+)$").matcher(text);
        assertTrue(m.find(), () -> name + " missing from\n" + text);
        return Long.parseLong(m.group(1));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
