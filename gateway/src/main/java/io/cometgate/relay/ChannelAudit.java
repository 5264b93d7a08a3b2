package io.cometgate.relay;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelOwner;

/**
 * Where the relay reports every policy decision and every channel close (the audit trail). A
 * channel's decision and close carry the same {@code correlationId}, so the two lines can be joined.
 */
public interface ChannelAudit {

    void decision(String correlationId, ConnectRequest request, Decision decision);

    void channelClosed(String correlationId, ChannelOwner session, String target, Decision decision, long bytesUp,
                       long bytesDown, long durationMillis, CloseCode code, String reason);
}
