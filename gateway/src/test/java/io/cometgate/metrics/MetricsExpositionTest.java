package io.cometgate.metrics;

import io.cometgate.config.TransportKind;
import io.netty.channel.DefaultEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scrape as Prometheus reads it: the series docs/OPERATIONS.md tells on-call about, in client_java's exposition. */
class MetricsExpositionTest {

    private static final Pattern LE = Pattern.compile("le=\"([^\"]*)\"");

    private static String scrape(GatewayMetrics m) {
        try (Scraper scraper = new Scraper(m)) {
            return new String(scraper.render("text/plain").body(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyDocumentedGatewaySeriesIsExposedWithItsType() {
        GatewayMetrics m = new GatewayMetrics();
        m.registerSessionGauge(() -> 3);
        m.tlsHandshakeFailures.add(4);
        m.receiverAttached(TransportKind.WEBSOCKET);
        String text = scrape(m);
        assertTrue(text.contains("\ncometgate_sessions 3"), text);
        assertTrue(text.contains("# TYPE cometgate_tls_handshake_failures_total counter\ncometgate_tls_handshake_failures_total 4"), text);
        assertTrue(text.contains("cometgate_receivers{transport=\"websocket\"} 1"), text);
        for (String counter : List.of("cometgate_sessions_created_total", "cometgate_receiver_attachments_total",
                "cometgate_channel_opens_requested_total", "cometgate_channels_opened_total", "cometgate_connect_failures_total",
                "cometgate_opens_denied_total", "cometgate_bytes_up_total", "cometgate_bytes_down_total",
                "cometgate_retransmitted_frames_total", "cometgate_resumes_total", "cometgate_flow_control_stalls_total",
                "cometgate_http_errors_total", "cometgate_direct_memory_exhausted_total")) {
            assertTrue(text.contains("# TYPE " + counter + " counter\n"), counter + " in\n" + text);
        }
        assertTrue(text.contains("# TYPE cometgate_channels_open gauge\n"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"no_rule\"} 0"), "known reasons start at 0:\n" + text);
        assertTrue(text.contains("# TYPE cometgate_backend_connect_seconds histogram\n"), text);
    }

    @Test
    void histogramBucketBoundsArePlainDecimals() {
        GatewayMetrics m = new GatewayMetrics();
        m.connectLatency.record(TimeUnit.MICROSECONDS.toNanos(700));
        m.connectLatency.record(TimeUnit.SECONDS.toNanos(3));
        String text = scrape(m);
        Matcher le = LE.matcher(text);
        int buckets = 0;
        while (le.find()) {
            buckets++;
            assertTrue(le.group(1).matches("\\+Inf|[0-9]+\\.[0-9]+"), "non-canonical le=\"" + le.group(1) + "\"");
        }
        assertEquals(LatencyHistogram.BOUNDS_SECONDS.length + 1, buckets, text);
        assertTrue(text.contains("cometgate_backend_connect_seconds_bucket{le=\"0.001\"} 1\n"), text);
        assertTrue(text.contains("cometgate_backend_connect_seconds_bucket{le=\"5.0\"} 2\n"), text);
        assertTrue(text.contains("cometgate_backend_connect_seconds_count 2\n"), text);
    }

    @Test
    void denialReasonsBecomeShortLabelsFromAClosedSet() {
        GatewayMetrics m = new GatewayMetrics();
        m.opensDenied("deny: denied: no rule allows this target");
        m.opensDenied("deny: denied: no rule allows this target");
        m.opensDenied("deny: denied: address is loopback");
        m.opensDenied("dns_failure: dns: lookup timed out");
        m.opensDenied("limit: opens per minute");
        m.opensDenied("deny: policy engine error: java.lang.IllegalStateException: boom");
        m.opensDenied("deny: something nobody wrote down yet");
        String text = scrape(m);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"no_rule\"} 2"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"address_loopback\"} 1"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"dns_timeout\"} 1"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"opens_per_minute\"} 1"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"internal\"} 1"), text);
        assertTrue(text.contains("cometgate_opens_denied_total{reason=\"other\"} 1"), text);
        assertFalse(text.contains("reason=\"deny:"), text);
    }

    @Test
    void standardJvmProcessAndBuildSeriesAreThere() {
        GatewayMetrics m = new GatewayMetrics();
        StandardSeries.register(m, "9.9.9");
        String text = scrape(m);
        for (String series : List.of("jvm_memory_used_bytes{area=\"heap\"}", "jvm_gc_collection_seconds_count{",
                "jvm_threads_current ", "jvm_buffer_pool_used_bytes{pool=\"direct\"}", "process_cpu_seconds_total ",
                "process_resident_memory_bytes ", "process_start_time_seconds ", "process_open_fds ", "process_max_fds ",
                "cometgate_netty_memory_used_bytes{kind=\"direct_total\"}")) {
            assertTrue(text.contains("\n" + series), series + " in\n" + text);
        }
        assertTrue(text.contains("cometgate_build_info{java_version=\"" + Runtime.version() + "\",version=\"9.9.9\"} 1\n"), text);
    }

    @Test
    void eventLoopLagHasOneGaugePerWorkerLoop() {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(3);
        EventLoopLag lag = EventLoopLag.start(group, Duration.ofMillis(100), Duration.ofSeconds(15));
        try {
            GatewayMetrics m = new GatewayMetrics();
            lag.registerWith(m);
            String text = scrape(m);
            for (int i = 0; i < 3; i++) {
                assertTrue(text.contains("cometgate_event_loop_lag_seconds{loop=\"" + i + "\"} "), text);
                assertTrue(text.contains("cometgate_event_loop_pending_tasks{loop=\"" + i + "\"} "), text);
            }
            assertEquals(1, text.split("# TYPE cometgate_event_loop_lag_seconds gauge", -1).length - 1, text);
        } finally {
            lag.stop();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void openMetricsIsServedWhenAsked() {
        try (Scraper scraper = new Scraper(new GatewayMetrics())) {
            Scraper.Scrape scrape = scraper.render("application/openmetrics-text; version=1.0.0");
            assertTrue(scrape.contentType().startsWith("application/openmetrics-text"), scrape.contentType());
            assertTrue(new String(scrape.body(), StandardCharsets.UTF_8).endsWith("# EOF\n"));
            assertTrue(scraper.render(null).contentType().startsWith("text/plain; version=0.0.4"));
        }
    }
}
