package io.cometgate.metrics;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * Backend connect latency as a classic Prometheus histogram. The bounds are written as plain
 * decimals ({@code le="0.001"}, never {@code 5.0E-4}), so the smallest is 1 ms: client_java
 * prints bounds with {@link Double#toString}, which switches to exponent form below 0.001.
 */
public final class LatencyHistogram {

    static final double[] BOUNDS_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Histogram histogram = Histogram.builder()
            .name("cometgate_backend_connect_seconds")
            .help("Backend connect latency, TLS handshake included.")
            .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(BOUNDS_SECONDS)
            .withoutExemplars()
            .build();

    public void record(long nanos) {
        histogram.observe(nanos / 1e9);
    }

    Histogram histogram() {
        return histogram;
    }
}
