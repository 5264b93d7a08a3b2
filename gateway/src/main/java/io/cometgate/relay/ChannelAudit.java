package io.cometgate.relay;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelOwner;

/** Where the relay reports every policy decision and every channel close (the audit trail). */
public interface ChannelAudit {

    void decision(ConnectRequest request, Decision decision);

    void channelClosed(ChannelOwner session, String target, Decision decision, long bytesUp, long bytesDown,
                       long durationMillis, CloseCode code, String reason);
}
