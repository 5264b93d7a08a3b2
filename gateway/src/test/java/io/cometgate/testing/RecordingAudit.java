package io.cometgate.testing;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelAudit;
import io.cometgate.session.Session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the gateway audits, so tests can check decisions and closes. */
public final class RecordingAudit implements ChannelAudit {

    public record Close(String target, long bytesUp, long bytesDown, CloseCode code, String reason) {
    }

    /** A connection of the websockify-compatible endpoint, with the WebSocket close code it ended with. */
    public record RawClose(String target, long bytesUp, long bytesDown, int code, String reason) {
    }

    public final List<RawClose> rawCloses = new CopyOnWriteArrayList<>();
    public final List<Decision> decisions = new CopyOnWriteArrayList<>();
    public final List<Close> closes = new CopyOnWriteArrayList<>();

    @Override
    public void decision(ConnectRequest request, Decision decision) {
        decisions.add(decision);
    }

    @Override
    public void channelClosed(Session session, String target, Decision decision, long bytesUp, long bytesDown,
                              long durationMillis, CloseCode code, String reason) {
        closes.add(new Close(target, bytesUp, bytesDown, code, reason));
    }

    @Override
    public void connectionClosed(InetAddress client, String origin, String target, InetSocketAddress address,
                                 long bytesUp, long bytesDown, long durationMillis, int code, String reason) {
        rawCloses.add(new RawClose(target, bytesUp, bytesDown, code, reason));
    }
}
