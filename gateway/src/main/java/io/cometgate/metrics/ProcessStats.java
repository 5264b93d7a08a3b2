package io.cometgate.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * JVM heap and the process's file descriptors. The heap is read at scrape time (a cheap
 * MXBean call); open descriptors are counted by listing /proc/self/fd, which is file I/O that
 * grows with the number of connections, so a daemon thread samples it instead of the event
 * loop that answers the scrape. Descriptors are the gateway's first hard limit (about two per
 * session with a channel open), so on-call needs both the count and the ceiling.
 */
public final class ProcessStats implements MetricSource {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final ScheduledExecutorService sampler;
    private volatile long openFds = -1;
    private volatile long maxFds = -1;

    private ProcessStats(Duration every) {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cometgate-process-stats");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static ProcessStats start(Duration every) {
        return new ProcessStats(every);
    }

    void sample() {
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            openFds = unix.getOpenFileDescriptorCount();
            maxFds = unix.getMaxFileDescriptorCount();
        }
    }

    public void stop() {
        sampler.shutdownNow();
    }

    @Override
    public void writeTo(StringBuilder out) {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        gauge(out, "cometgate_jvm_heap_used_bytes", "JVM heap in use.", heap.getUsed());
        gauge(out, "cometgate_jvm_heap_max_bytes", "JVM heap limit (-Xmx), -1 if undefined.", heap.getMax());
        if (openFds >= 0) {
            // The standard names, so existing dashboards and alerts (fds near the limit) just work.
            gauge(out, "process_open_fds", "Open file descriptors (sampled every few seconds).", openFds);
            gauge(out, "process_max_fds", "The open-files limit (ulimit -n / LimitNOFILE).", maxFds);
        }
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
