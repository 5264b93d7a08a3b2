package io.cometgate.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time each process of a route spends over one measurement, as milliseconds per MB moved:
 * the bench client itself, the server in the middle (gateway or relay) and the backend. Unlike
 * MB/s, CPU per MB holds on a loaded machine, so routes compare fairly under load (issue 13).
 */
final class CpuClock {

    private final Probe server;
    private final Probe backend;
    private final long client0;
    private final long server0;
    private final long backend0;

    /** Starts the clocks now; {@code server} or {@code backend} may be null (not ours to read). */
    CpuClock(Probe server, Probe backend) {
        this.server = server;
        this.backend = backend;
        this.client0 = ownCpuNanos();
        this.server0 = server == null ? 0 : server.cpuNanos();
        this.backend0 = backend == null ? 0 : backend.cpuNanos();
    }

    /** CPU ms per MB since the start, per process read; empty when nothing moved. */
    Map<String, Double> millisPerMegabyte(double megabytes) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (megabytes <= 0) {
            return out;
        }
        long client = ownCpuNanos();
        if (client >= 0 && client0 >= 0) {
            out.put("client_cpu_ms_per_MB", (client - client0) / 1e6 / megabytes);
        }
        if (server != null) {
            out.put("server_cpu_ms_per_MB", (server.cpuNanos() - server0) / 1e6 / megabytes);
        }
        if (backend != null) {
            out.put("backend_cpu_ms_per_MB", (backend.cpuNanos() - backend0) / 1e6 / megabytes);
        }
        return out;
    }

    /**
     * This JVM's user + system CPU in nanoseconds, or -1 where the platform does not say (a Probe
     * of our PID would also count a backend or gateway the bench started in-process).
     */
    static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
