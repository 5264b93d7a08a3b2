package io.cometgate.metrics;

import io.cometgate.config.TransportKind;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Renders {@link GatewayMetrics} in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static String render(GatewayMetrics m, IntSupplier liveSessions) {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "cometgate_sessions", "Live sessions.", liveSessions.getAsInt());
        out.append("# HELP cometgate_receivers Attached downstream transports by transport.\n# TYPE cometgate_receivers gauge\n");
        for (Map.Entry<TransportKind, LongAdder> e : m.attached().entrySet()) {
            out.append("cometgate_receivers{transport=\"").append(e.getKey().label()).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        out.append("# HELP cometgate_receiver_attachments_total Downstream attachments by transport.\n# TYPE cometgate_receiver_attachments_total counter\n");
        for (Map.Entry<TransportKind, LongAdder> e : m.attachments().entrySet()) {
            out.append("cometgate_receiver_attachments_total{transport=\"").append(e.getKey().label()).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        counter(out, "cometgate_sessions_created_total", "Sessions created.", m.sessionsCreated);
        gauge(out, "cometgate_channels_open", "Open backend channels.", m.channelsOpened.sum() - m.channelsClosed.sum());
        counter(out, "cometgate_channel_opens_requested_total", "OPEN frames received.", m.opensRequested);
        counter(out, "cometgate_channels_opened_total", "Backend connections established.", m.channelsOpened);
        counter(out, "cometgate_connect_failures_total", "Backend connects that failed.", m.connectFailures);
        out.append("# HELP cometgate_opens_denied_total Channel opens refused, by reason.\n# TYPE cometgate_opens_denied_total counter\n");
        for (Map.Entry<String, LongAdder> e : m.denied().entrySet()) {
            out.append("cometgate_opens_denied_total{reason=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        counter(out, "cometgate_bytes_up_total", "Bytes relayed from clients to backends.", m.bytesUp);
        counter(out, "cometgate_bytes_down_total", "Bytes relayed from backends to clients.", m.bytesDown);
        counter(out, "cometgate_retransmitted_frames_total", "Frames sent again after a transport reconnect.", m.retransmittedFrames);
        counter(out, "cometgate_resumes_total", "Transports re-attached to an existing session.", m.resumes);
        counter(out, "cometgate_flow_control_stalls_total", "Backend reads held back for lack of client credit.", m.flowControlStalls);
        counter(out, "cometgate_http_errors_total", "Requests refused with an HTTP error.", m.httpErrors);
        counter(out, "cometgate_unknown_sessions_total", "Requests for a session this node does not hold "
                + "(expired, its node restarted, or misrouted), answered with 4015.", m.unknownSessions);
        counter(out, "cometgate_tls_handshake_failures_total", "Browser-side TLS handshakes that failed (scanners, "
                + "old clients, clients that do not trust the certificate).", m.tlsHandshakeFailures);
        m.connectLatency.writeTo(out, "cometgate_backend_connect_seconds", "Backend connect latency.");
        for (MetricSource source : m.sources()) {
            source.writeTo(out);
        }
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, LongAdder value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value.sum()).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
