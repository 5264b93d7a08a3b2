package io.cometgate.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Renders /metrics off the event loops: the process series read /proc and the JVM series call
 * MXBeans, neither of which belongs on a loop that relays frames. One daemon thread and a short
 * queue: scrapes are rare, and a flood of them is refused (the caller answers 503) instead of
 * queueing without bound.
 */
public final class Scraper implements AutoCloseable {

    /** What one scrape produced: the exposition format's content type and the body. */
    public record Scrape(String contentType, byte[] body) {
    }

    private static final int QUEUED_SCRAPES = 4;

    private final GatewayMetrics metrics;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_SCRAPES), r -> {
                Thread t = new Thread(r, "cometgate-metrics");
                t.setDaemon(true);
                return t;
            });

    public Scraper(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Scrapes in the format the {@code Accept} header asks for (OpenMetrics or Prometheus
     * text 0.0.4); fails with {@link RejectedExecutionException} when too many are queued.
     */
    public CompletableFuture<Scrape> scrape(String accept) {
        try {
            return CompletableFuture.supplyAsync(() -> render(accept), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Renders on the calling thread (tests, and callers already off the event loops). */
    public Scrape render(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) { // protobuf needs a module we do not ship
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, metrics.registry().scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
