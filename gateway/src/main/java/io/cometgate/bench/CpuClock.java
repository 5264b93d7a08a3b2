package io.cometgate.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time each process of a route spends over one measurement, per MB moved (S2) or per round
 * trip (S4): the bench client itself, the server in the middle (gateway or relay) and the
 * backend. Unlike MB/s or round trips/s, CPU per unit of work holds on a loaded machine, so
 * routes compare fairly under load (issue 13).
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
        return per(megabytes, 1e6, "_cpu_ms_per_MB");
    }

    /** S4: CPU microseconds per round trip since the start, per process read; empty when none was made. */
    Map<String, Double> microsPerRoundTrip(double roundTrips) {
        return per(roundTrips, 1e3, "_cpu_us_per_rt");
    }

    private Map<String, Double> per(double units, double nanosPerFigure, String suffix) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (units <= 0) {
            return out;
        }
        long client = ownCpuNanos();
        if (client >= 0 && client0 >= 0) {
            out.put("client" + suffix, (client - client0) / nanosPerFigure / units);
        }
        if (server != null) {
            out.put("server" + suffix, (server.cpuNanos() - server0) / nanosPerFigure / units);
        }
        if (backend != null) {
            out.put("backend" + suffix, (backend.cpuNanos() - backend0) / nanosPerFigure / units);
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
