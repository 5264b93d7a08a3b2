package io.cometgate.session;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Where the relay reports every policy decision and every channel close (the audit trail). */
public interface ChannelAudit {

    void decision(ConnectRequest request, Decision decision);

    void channelClosed(Session session, String target, Decision decision, long bytesUp, long bytesDown,
                       long durationMillis, CloseCode code, String reason);

    /**
     * A connection of an endpoint without sessions (one WebSocket, one TCP connection) ended;
     * {@code code} is the WebSocket close code the client saw.
     */
    default void connectionClosed(InetAddress client, String origin, String target, InetSocketAddress address,
                                  long bytesUp, long bytesDown, long durationMillis, int code, String reason) {
    }
}
