package io.cometgate.metrics;

import io.cometgate.config.TransportKind;
import io.cometgate.session.SessionMetrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's counters and gauges. LongAdder because every event loop bumps them; read
 * only when /metrics is scraped (see {@link PrometheusText}).
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
    public final LatencyHistogram connectLatency = new LatencyHistogram();
    private final Map<String, LongAdder> denied = new ConcurrentHashMap<>();
    private final Map<TransportKind, LongAdder> attached = new EnumMap<>(TransportKind.class);
    private final Map<TransportKind, LongAdder> attachments = new EnumMap<>(TransportKind.class);
    private final List<MetricSource> sources = new CopyOnWriteArrayList<>();

    public GatewayMetrics() {
        for (TransportKind kind : TransportKind.values()) {
            attached.put(kind, new LongAdder());
            attachments.put(kind, new LongAdder());
        }
    }

    /** Counts a refused open under its reason (reasons are fixed strings, so labels stay few). */
    public void opensDenied(String reason) {
        denied.computeIfAbsent(reason, r -> new LongAdder()).increment();
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

    /** Adds series computed elsewhere (event-loop lag, process statistics) to every scrape. */
    public void register(MetricSource source) {
        sources.add(source);
    }

    List<MetricSource> sources() {
        return sources;
    }

    Map<String, LongAdder> denied() {
        return denied;
    }

    Map<TransportKind, LongAdder> attached() {
        return attached;
    }

    Map<TransportKind, LongAdder> attachments() {
        return attachments;
    }
}
