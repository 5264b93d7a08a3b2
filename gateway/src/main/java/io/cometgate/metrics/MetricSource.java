package io.cometgate.metrics;

/**
 * Extra series appended to /metrics by something that is not a plain counter (event-loop
 * probes, process statistics). Called on the scraping thread: must not block.
 */
@FunctionalInterface
public interface MetricSource {

    /** Appends complete {@code # HELP}/{@code # TYPE} blocks in the Prometheus text format. */
    void writeTo(StringBuilder out);
}
