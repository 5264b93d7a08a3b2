package io.cometgate.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The series every JVM service is expected to have, so stock dashboards and alerts work:
 * client_java's {@code jvm_*} (memory, GC, threads, buffer pools, classes) and {@code process_*}
 * (CPU, RSS, start time, file descriptors), plus {@code cometgate_build_info} and Netty's own
 * memory. Netty allocates most direct memory without a JDK Cleaner, so it is invisible in
 * {@code jvm_buffer_pool_used_bytes{pool="direct"}}; {@code cometgate_netty_memory_used_bytes}
 * shows it. Some of these read /proc at scrape time, which is why scrapes run on
 * {@link Scraper}'s own thread and never on an event loop.
 */
public final class StandardSeries {

    private StandardSeries() {
    }

    public static void register(GatewayMetrics metrics, String version) {
        JvmMetrics.builder().register(metrics.registry());
        Info build = Info.builder().name("cometgate_build_info")
                .help("The running gateway's version and Java runtime; always 1.")
                .labelNames("version", "java_version")
                .build();
        build.addLabelValues(version, Runtime.version().toString());
        metrics.register(build);
        metrics.register(GaugeWithCallback.builder().name("cometgate_netty_memory_used_bytes")
                .help("Memory held by Netty's default buffer allocator, by kind; 'direct_total' is all direct "
                        + "memory Netty counts, pooled or not (-1 when Netty does not track it).")
                .unit(Unit.BYTES)
                .labelNames("kind")
                .callback(cb -> {
                    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
                        ByteBufAllocatorMetric allocator = provider.metric();
                        cb.call(allocator.usedDirectMemory(), "direct");
                        cb.call(allocator.usedHeapMemory(), "heap");
                    }
                    cb.call(PlatformDependent.usedDirectMemory(), "direct_total");
                })
                .build());
        metrics.register(GaugeWithCallback.builder().name("cometgate_netty_direct_memory_max_bytes")
                .help("The cap Netty counts direct_total against (io.netty.maxDirectMemory, default the JVM's "
                        + "-XX:MaxDirectMemorySize); an allocation past it fails and closes only its connection.")
                .unit(Unit.BYTES)
                .callback(cb -> cb.call(PlatformDependent.maxDirectMemory()))
                .build());
    }
}
