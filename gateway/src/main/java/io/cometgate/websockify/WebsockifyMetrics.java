package io.cometgate.websockify;

import io.cometgate.metrics.MetricSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The websockify-compatible endpoint's own series, labelled {@code transport="websockify"} so
 * a dashboard tells them from the protocol transports. The gateway-wide counters (channels
 * opened, bytes, denials, connect latency) count these connections too.
 */
final class WebsockifyMetrics implements MetricSource {

    static final String LABEL = "transport=\"websockify\"";

    final LongAdder open = new LongAdder();
    private final Map<Subprotocol, LongAdder> accepted = new java.util.EnumMap<>(Subprotocol.class);
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

    @Override
    public void writeTo(StringBuilder out) {
        family(out, "cometgate_raw_connections", "gauge", "Open raw WebSocket connections (one TCP connection each).");
        sample(out, "cometgate_raw_connections", "", open.sum());
        family(out, "cometgate_raw_connections_total", "counter", "Raw WebSocket connections accepted (handshake done), by subprotocol.");
        accepted.forEach((p, n) -> sample(out, "cometgate_raw_connections_total",
                ",subprotocol=\"" + (p.header() == null ? "none" : p.header()) + "\"", n.sum()));
        family(out, "cometgate_raw_bytes_total", "counter", "Bytes relayed over raw WebSocket connections, by direction.");
        sample(out, "cometgate_raw_bytes_total", ",direction=\"up\"", bytesUp.sum());
        sample(out, "cometgate_raw_bytes_total", ",direction=\"down\"", bytesDown.sum());
        family(out, "cometgate_raw_closes_total", "counter", "Raw WebSocket connections ended, by WebSocket close code.");
        closes.forEach((code, n) -> sample(out, "cometgate_raw_closes_total", ",code=\"" + code + "\"", n.sum()));
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String extraLabels, long value) {
        out.append(name).append('{').append(LABEL).append(extraLabels).append("} ").append(value).append('\n');
    }
}
