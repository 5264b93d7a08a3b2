package io.cometgate.relay;

import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.ProtocolJson;
import io.cometgate.session.ChannelOwner;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.net.InetSocketAddress;

/**
 * The open procedure of one channel, top to bottom: limits, decision, audit, per-target slot,
 * extras loaded from files, connect (and TLS), OPENED. Each step either hands over to the
 * next or ends in {@link #fail}, the one exit for every failure ({@link OpenFailure} names
 * its close code). Asynchronous steps resume on the session's loop and stop there if the
 * client closed the channel meanwhile.
 */
final class ChannelOpening {

    private final BackendRelay relay;
    private final VirtualChannel channel;
    private final ChannelOwner session;
    private final GatewayMetrics metrics;

    ChannelOpening(BackendRelay relay, VirtualChannel channel, ChannelOwner session) {
        this.relay = relay;
        this.channel = channel;
        this.session = session;
        this.metrics = relay.metrics;
    }

    void start(String token) {
        metrics.opensRequested.increment();
        int perMinute = limits().opensPerIpPerMinute();
        if (!relay.limiter.tryOpen(session.clientAddress(), perMinute)) {
            fail(OpenFailure.OPEN_RATE, "limit: opens per minute",
                    "limit reached: " + perMinute + " channel opens per minute from this address");
            return;
        }
        String clusterRefusal = relay.limiter.clusterRefusal(session.clientAddress(), perMinute);
        if (clusterRefusal != null) {
            fail(OpenFailure.OPEN_RATE, "limit: opens per minute across the cluster", clusterRefusal);
            return;
        }
        ConnectRequest request = new ConnectRequest(channel.target(), session.origin(), session.clientAddress(), token,
                session.clientSubject());
        relay.decider.decide(request, session.loop()).addListener((Future<Decision> f) -> {
            Decision decision = f.isSuccess() ? f.getNow()
                    : Decision.deny(Decision.Verdict.DENY, "policy engine error: " + f.cause(), null);
            relay.audit.decision(channel.correlationId(), request, decision);
            decided(relay.decisions.share(decision));
        });
    }

    private void decided(Decision decision) {
        if (channel.isClosed()) {
            return;
        }
        channel.decided(decision);
        if (!decision.allowed()) {
            fail(OpenFailure.denied(decision.verdict()), decision.verdict().name().toLowerCase() + ": " + decision.reason(),
                    decision.reason());
            return;
        }
        InetSocketAddress address = decision.address();
        int perTarget = limits().maxConnectionsPerTarget();
        if (!relay.limiter.tryConnect(address, perTarget)) {
            fail(OpenFailure.TARGET_SLOTS, "limit: connections per target",
                    "limit reached: " + perTarget + " connections to " + address);
            return;
        }
        String clusterRefusal = relay.limiter.clusterConnectRefusal(address, perTarget);
        if (clusterRefusal != null) {
            relay.limiter.release(address);
            fail(OpenFailure.TARGET_SLOTS, "limit: connections per target across the cluster", clusterRefusal);
            return;
        }
        channel.holdSlot();
        relay.connector.extras(decision, session.loop()).addListener((Future<BackendExtras.Loaded> f) -> {
            if (channel.isClosed()) {
                return;
            }
            if (!f.isSuccess()) {
                fail(decision.options().tls() ? OpenFailure.PREPARE_TLS : OpenFailure.PREPARE, null,
                        "cannot prepare the backend connection: " + f.cause().getMessage());
                return;
            }
            connect(decision, f.getNow());
        });
    }

    private void connect(Decision decision, BackendExtras.Loaded extras) {
        long started = System.nanoTime();
        BackendInitializer pipeline = new BackendInitializer(decision, extras,
                new InetSocketAddress(session.clientAddress(), 0), channel);
        ChannelFuture connect = relay.connector.connect(session.loop(), decision, pipeline);
        channel.connecting(connect.channel());
        relay.connector.whenReady(connect).addListener((Future<Channel> f) -> connected(f, decision, extras, started));
    }

    private void connected(Future<Channel> ready, Decision decision, BackendExtras.Loaded extras, long startedNanos) {
        if (channel.isClosed()) {
            return; // the channel closed its backend when it closed
        }
        if (!ready.isSuccess()) {
            metrics.connectFailures.increment();
            OpenFailure failure = OpenFailure.connecting(ready.cause());
            fail(failure, null, failure.code.label() + ": " + decision.address() + " (" + ready.cause().getMessage() + ")");
            return;
        }
        metrics.connectLatency.record(System.nanoTime() - startedNanos);
        metrics.channelsOpened.increment();
        InetSocketAddress remote = decision.address();
        try {
            session.sendOpened(channel.id(), ProtocolJson.write(new ProtocolJson.Opened(
                    remote.getAddress().getHostAddress(), remote.getPort(), relay.config.channelWindow())));
            String webirc = extras.webirc() == null ? null : extras.webirc().line(session.clientAddress());
            channel.opened(webirc, limits().channelMaxLifetime());
        } catch (OutOfDirectMemoryError exhausted) {
            // Thrown out of this listener it would only be logged, leaving the page waiting for
            // an OPENED that never comes: the channel fails instead, and the page may retry.
            metrics.directMemoryExhausted.increment();
            channel.closeWith(CloseCode.BACKEND_ERROR, "the gateway is out of buffer memory; try again");
        }
    }

    /**
     * The one exit for a failed open: counts a refusal under its fixed metric label (if it
     * is one), and closes the channel with the failure's code.
     */
    private void fail(OpenFailure failure, String refusalLabel, String reason) {
        if (refusalLabel != null) {
            metrics.opensDenied(refusalLabel);
        }
        channel.closeWith(failure.code, reason);
    }

    private Limits limits() {
        return relay.decider.limits();
    }
}
