package io.cometgate.cli;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelAudit;
import io.cometgate.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line per policy decision and one per channel close, on the logger
 * {@code cometgate.audit} (route it to its own file in logback.xml). Never session ids or payloads.
 */
final class LoggingChannelAudit implements ChannelAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("cometgate.audit");

    @Override
    public void decision(ConnectRequest request, Decision decision) {
        AUDIT.info("decision client={} origin={} target={} address={} rule={} verdict={} reason=\"{}\"",
                request.clientAddress().getHostAddress(), request.origin(), request.target(),
                decision.address() == null ? "-" : decision.address(), decision.rule() == null ? "default" : decision.rule(),
                decision.verdict(), decision.reason());
    }

    @Override
    public void channelClosed(Session session, String target, Decision decision, long bytesUp, long bytesDown,
                              long durationMillis, CloseCode code, String reason) {
        AUDIT.info("close client={} origin={} target={} address={} up={} down={} ms={} code={} reason=\"{}\"",
                session.clientAddress().getHostAddress(), session.origin(), target,
                decision == null ? "-" : decision.address(), bytesUp, bytesDown, durationMillis, code.code(), reason);
    }
}
