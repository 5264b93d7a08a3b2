package io.cometgate.cli;

import io.cometgate.policy.AuditLog;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.session.ChannelOwner;

/**
 * Feeds the relay's decisions and channel closes to the policy's {@link AuditLog} (logger
 * {@code cometgate.audit}: route it to its own file in a Logback configuration). Never
 * session ids or payloads.
 */
final class LoggingChannelAudit implements ChannelAudit {

    private final AuditLog log;

    LoggingChannelAudit() {
        this.log = new AuditLog();
    }

    @Override
    public void decision(String correlationId, ConnectRequest request, Decision decision) {
        log.decision(request, decision, correlationId);
    }

    @Override
    public void channelClosed(String correlationId, ChannelOwner session, String target, Decision decision, long bytesUp,
                              long bytesDown, long durationMillis, CloseCode code, String reason) {
        log.channelClosed(correlationId, session.clientAddress(), session.clientSubject(), session.origin(), target,
                decision == null ? null : decision.address(), bytesUp, bytesDown, durationMillis, code.code(), reason);
    }
}
