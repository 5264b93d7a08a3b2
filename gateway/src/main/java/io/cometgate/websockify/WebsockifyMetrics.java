package io.cometgate.websockify;

import io.cometgate.metrics.GatewayMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The websockify-compatible endpoint's own series, labelled {@code transport="websockify"} so
 * a dashboard tells them from the protocol transports. The gateway-wide counters (channels
 * opened, bytes, denials, connect latency) count these connections too. Like
 * {@link GatewayMetrics}, the hot path only bumps LongAdders; the registry reads them through
 * callbacks when /metrics is scraped.
 */
final class WebsockifyMetrics {

    static final String TRANSPORT = "websockify";

    final LongAdder open = new LongAdder();
    private final Map<Subprotocol, LongAdder> accepted = new EnumMap<>(Subprotocol.class);
    final LongAdder bytesUp = new LongAdder();
    final LongAdder bytesDown = new LongAdder();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    WebsockifyMetrics() {
        for (Subprotocol p : Subprotocol.values()) {
            accepted.put(p, new LongAdder());
        }
    }

    void accepted(Subprotocol subprotocol) {
        accepted.get(subprotocol).increment();
    }

    /** Counts a WebSocket close the endpoint sent or received, by code (a few dozen codes at most). */
    void closed(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Adds this endpoint's series to the gateway's registry. */
    void registerIn(GatewayMetrics metrics) {
        PrometheusRegistry registry = metrics.registry();
        GaugeWithCallback.builder().name("cometgate_raw_connections_open")
                .help("Open raw WebSocket connections (one TCP connection each).")
                .labelNames("transport")
                .callback(cb -> cb.call(open.sum(), TRANSPORT))
                .register(registry);
        CounterWithCallback.builder().name("cometgate_raw_connections_total")
                .help("Raw WebSocket connections accepted (handshake done), by subprotocol.")
                .labelNames("transport", "subprotocol")
                .callback(cb -> accepted.forEach((p, n) ->
                        cb.call(n.sum(), TRANSPORT, p.header() == null ? "none" : p.header())))
                .register(registry);
        CounterWithCallback.builder().name("cometgate_raw_bytes_total")
                .help("Bytes relayed over raw WebSocket connections, by direction.")
                .labelNames("transport", "direction")
                .callback(cb -> {
                    cb.call(bytesUp.sum(), TRANSPORT, "up");
                    cb.call(bytesDown.sum(), TRANSPORT, "down");
                })
                .register(registry);
        CounterWithCallback.builder().name("cometgate_raw_closes_total")
                .help("Raw WebSocket connections ended, by WebSocket close code.")
                .labelNames("transport", "code")
                .callback(cb -> closes.forEach((code, n) -> cb.call(n.sum(), TRANSPORT, Integer.toString(code))))
                .register(registry);
    }
}
