package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;

/**
 * One channel of a session, as the session sees it: the port toward backends. The relay
 * implements it; the session only routes client frames to it and ends it. All calls come
 * from the session's event loop.
 */
public interface SessionChannel {

    int id();

    /** What the page asked for (an alias or host:port). */
    String target();

    /** The address the policy allowed, or {@code null} while undecided or denied. */
    InetSocketAddress address();

    /** Starts the open procedure; its outcome reaches the client as OPENED or CLOSE. */
    void open(String token);

    /** A DATA payload from the client; ownership passes to the channel. */
    void fromClient(ByteBuf data);

    /** The client granted this many more bytes downstream. */
    void grantDownstream(long bytes);

    /** The client closed the channel (its CLOSE frame's code). */
    void closeFromClient(int code);

    /** The session can take backend data again: read if credit allows, and grant the upstream credit held back. */
    void resumeReading();

    /**
     * The session's periodic tick (at most a second apart): a channel with no data either way
     * for its idle timeout closes itself. One sweep from the session's existing timer instead
     * of a timer per channel, which an idle session would carry as heap.
     */
    void checkIdle(long nowNanos);

    /** The gateway ends the channel and tells the client why (a CLOSE frame). */
    void closeWith(CloseCode code, String reason);

    /** The session is ending: close without a CLOSE frame (SESSION_CLOSE covers it). */
    void abort(CloseCode code, String reason);
}
