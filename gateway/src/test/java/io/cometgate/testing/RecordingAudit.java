package io.cometgate.testing;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.session.ChannelOwner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the gateway audits, so tests can check decisions and closes. */
public final class RecordingAudit implements ChannelAudit {

    public record Close(String target, long bytesUp, long bytesDown, CloseCode code, String reason, String correlationId) {
    }

    public final List<Decision> decisions = new CopyOnWriteArrayList<>();
    public final List<String> decisionIds = new CopyOnWriteArrayList<>();
    public final List<Close> closes = new CopyOnWriteArrayList<>();

    @Override
    public void decision(String correlationId, ConnectRequest request, Decision decision) {
        decisions.add(decision);
        decisionIds.add(correlationId);
    }

    @Override
    public void channelClosed(String correlationId, ChannelOwner session, String target, Decision decision, long bytesUp,
                              long bytesDown, long durationMillis, CloseCode code, String reason) {
        closes.add(new Close(target, bytesUp, bytesDown, code, reason, correlationId));
    }
}
