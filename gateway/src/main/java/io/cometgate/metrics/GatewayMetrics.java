package io.cometgate.metrics;

import io.cometgate.config.TransportKind;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.cometgate.session.SessionMetrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The gateway's counters and gauges. LongAdder because every event loop bumps them; the
 * Prometheus registry reads them through callbacks only when /metrics is scraped, so the hot
 * path never touches the metrics library. Exposition (names, escaping, {@code le} labels) is
 * client_java's job, see {@link Scraper}.
 */
public final class GatewayMetrics implements SessionMetrics {

    public final LongAdder sessionsCreated = new LongAdder();
    public final LongAdder opensRequested = new LongAdder();
    public final LongAdder channelsOpened = new LongAdder();
    public final LongAdder channelsClosed = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder bytesUp = new LongAdder();
    public final LongAdder bytesDown = new LongAdder();
    public final LongAdder retransmittedFrames = new LongAdder();
    public final LongAdder resumes = new LongAdder();
    public final LongAdder flowControlStalls = new LongAdder();
    public final LongAdder httpErrors = new LongAdder();
    public final LongAdder tlsHandshakeFailures = new LongAdder();
    /** Requests for a session this node does not hold (answered with 4015). */
    public final LongAdder unknownSessions = new LongAdder();
    public final LongAdder proxyProtocolRefused = new LongAdder();
    /** Connections closed because an allocation for them hit the direct-memory cap. */
    public final LongAdder directMemoryExhausted = new LongAdder();
    /** Connections closed for pipelining far ahead of their answers (http.RequestPacer). */
    public final LongAdder pipeliningClosed = new LongAdder();
    public final LatencyHistogram connectLatency = new LatencyHistogram();
    private final Map<String, LongAdder> denied = new ConcurrentHashMap<>();
    private final Map<TransportKind, LongAdder> attached = new EnumMap<>(TransportKind.class);
    private final Map<TransportKind, LongAdder> attachments = new EnumMap<>(TransportKind.class);
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public GatewayMetrics() {
        for (TransportKind kind : TransportKind.values()) {
            attached.put(kind, new LongAdder());
            attachments.put(kind, new LongAdder());
        }
        DenyReasons.known().forEach(label -> denied.put(label, new LongAdder()));
        registerGatewaySeries();
    }

    /** Counts a refused open under a short label for its reason (see {@link DenyReasons}). */
    public void opensDenied(String reason) {
        denied.computeIfAbsent(DenyReasons.label(reason), r -> new LongAdder()).increment();
    }

    @Override
    public void sessionCreated() {
        sessionsCreated.increment();
    }

    @Override
    public void sessionResumed() {
        resumes.increment();
    }

    @Override
    public void directMemoryExhausted() {
        directMemoryExhausted.increment();
    }

    @Override
    public void frameRetransmitted() {
        retransmittedFrames.increment();
    }

    @Override
    public void receiverAttached(TransportKind kind) {
        attached.get(kind).increment();
        attachments.get(kind).increment();
    }

    @Override
    public void receiverDetached(TransportKind kind) {
        attached.get(kind).decrement();
    }

    /** The live-session gauge reads the session registry, which is created after the metrics. */
    public void registerSessionGauge(IntSupplier liveSessions) {
        gauge("cometgate_sessions", "Live sessions.", liveSessions::getAsInt);
    }

    /** Adds series computed elsewhere (event-loop lag, JVM and process series, build info). */
    public void register(Collector collector) {
        registry.register(collector);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    private void registerGatewaySeries() {
        GaugeWithCallback.builder().name("cometgate_receivers").help("Attached downstream transports by transport.")
                .labelNames("transport")
                .callback(cb -> attached.forEach((kind, n) -> cb.call(n.sum(), kind.label())))
                .register(registry);
        CounterWithCallback.builder().name("cometgate_receiver_attachments_total").help("Downstream attachments by transport.")
                .labelNames("transport")
                .callback(cb -> attachments.forEach((kind, n) -> cb.call(n.sum(), kind.label())))
                .register(registry);
        counter("cometgate_sessions_created_total", "Sessions created.", sessionsCreated);
        gauge("cometgate_channels_open", "Open backend channels.", () -> channelsOpened.sum() - channelsClosed.sum());
        counter("cometgate_channel_opens_requested_total", "OPEN frames received.", opensRequested);
        counter("cometgate_channels_opened_total", "Backend connections established.", channelsOpened);
        counter("cometgate_connect_failures_total", "Backend connects that failed.", connectFailures);
        CounterWithCallback.builder().name("cometgate_opens_denied_total").help("Channel opens refused, by reason.")
                .labelNames("reason")
                .callback(cb -> denied.forEach((reason, n) -> cb.call(n.sum(), reason)))
                .register(registry);
        counter("cometgate_bytes_up_total", "Bytes relayed from clients to backends.", bytesUp);
        counter("cometgate_bytes_down_total", "Bytes relayed from backends to clients.", bytesDown);
        counter("cometgate_retransmitted_frames_total", "Frames sent again after a transport reconnect.", retransmittedFrames);
        counter("cometgate_resumes_total", "Transports re-attached to an existing session.", resumes);
        counter("cometgate_flow_control_stalls_total", "Backend reads held back for lack of client credit.", flowControlStalls);
        counter("cometgate_http_errors_total", "Requests refused with an HTTP error.", httpErrors);
        counter("cometgate_unknown_sessions_total", "Requests for a session this node does not hold "
                + "(expired, its node restarted, or misrouted), answered with 4015.", unknownSessions);
        counter("cometgate_tls_handshake_failures_total", "Browser-side TLS handshakes that failed (scanners, "
                + "old clients, clients that do not trust the certificate).", tlsHandshakeFailures);
        counter("cometgate_proxy_protocol_refused_total", "Connections closed at the front door: a PROXY header from "
                + "a source not in --proxy-protocol-from, or none from a source in it.", proxyProtocolRefused);
        counter("cometgate_direct_memory_exhausted_total", "Connections closed because a buffer for them could not "
                + "be allocated under the direct-memory cap (cometgate_netty_direct_memory_max_bytes).", directMemoryExhausted);
        counter("cometgate_pipelining_closed_total", "Connections closed for pipelining more requests than their "
                + "unread answers leave room for (a connection pins at most 8 answers and 32 parsed requests).", pipeliningClosed);
        registry.register(connectLatency.histogram());
    }

    private void counter(String name, String help, LongAdder value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.sum())).register(registry);
    }

    private void gauge(String name, String help, java.util.function.LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }
}
