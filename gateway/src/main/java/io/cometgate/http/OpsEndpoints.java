package io.cometgate.http;

import io.cometgate.metrics.Scraper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * /healthz, /readyz and /metrics: the same answers on the browser-facing listeners and on the
 * admin listener. A scrape is rendered on {@link Scraper}'s thread and written back from there
 * (writing to a Netty channel from another thread is safe: Netty hands it to the channel's loop).
 */
final class OpsEndpoints {

    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";
    static final String METRICS = "/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(OpsEndpoints.class);

    private final BooleanSupplier draining;
    private final Scraper scraper;

    OpsEndpoints(BooleanSupplier draining, Scraper scraper) {
        this.draining = draining;
        this.scraper = scraper;
    }

    static boolean isHealth(String path) {
        return path.equals(HEALTHZ) || path.equals(READYZ);
    }

    /** Liveness stays 200 while draining so the process is not killed early; readiness goes 503. */
    void health(Channel channel, String path, boolean keepAlive) {
        boolean isDraining = draining.getAsBoolean();
        if (path.equals(READYZ) && isDraining) {
            HttpResponses.text(channel, HttpResponseStatus.SERVICE_UNAVAILABLE, "draining", keepAlive, null);
        } else {
            HttpResponses.text(channel, HttpResponseStatus.OK, isDraining ? "ok (draining)" : "ok", keepAlive, null);
        }
    }

    void metrics(Channel channel, FullHttpRequest req, boolean keepAlive) {
        scraper.scrape(req.headers().get(HttpHeaderNames.ACCEPT)).whenComplete((scrape, failure) -> {
            if (failure == null) {
                HttpResponses.send(channel, HttpResponseStatus.OK, scrape.contentType(),
                        Unpooled.wrappedBuffer(scrape.body()), keepAlive, null).addListener(written -> {
                            if (!written.isSuccess()) { // nothing else would say why a scraper got a cut answer
                                LOG.warn("metrics answer to {} not written: {}", channel.remoteAddress(), written.cause().toString());
                            }
                        });
                return;
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof RejectedExecutionException) {
                HttpResponses.error(channel, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many scrapes at once", keepAlive, null);
            } else {
                LOG.error("metrics scrape failed", cause);
                HttpResponses.error(channel, HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed", false, null);
            }
        });
    }
}
