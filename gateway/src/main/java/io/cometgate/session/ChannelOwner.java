package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.WindowBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.net.InetAddress;

/**
 * What a channel may ask of the session that owns it: who the client is, frames toward the
 * client, whether the client keeps up, and its own end. {@link Session} implements it; relay
 * tests use a fake.
 */
public interface ChannelOwner {

    /** The session's event loop: every channel of the session runs on it. */
    EventLoop loop();

    String origin();

    InetAddress clientAddress();

    /** The verified TLS client certificate subject the session was created with, or {@code null}. */
    default String clientSubject() {
        return null;
    }

    void sendOpened(int channelId, String json);

    /** Ownership of {@code payload} passes to the session. */
    void sendData(int channelId, ByteBuf payload);

    void sendCredit(int channelId, long bytes);

    void sendClose(int channelId, CloseCode code, String reason);

    /** Whether the client is keeping up: backends are read, and upstream credit granted, only while this holds. */
    boolean canReadBackends();

    /**
     * The most one backend read may bring the owner now (what its retransmit bound leaves, plus
     * the slack it allows a channel past it); a read is no larger. Unlimited for an owner that
     * keeps nothing.
     */
    default long backendReadRoom() {
        return Long.MAX_VALUE;
    }

    /** The channel finished (it already told the client what it had to); forget it. */
    void channelClosed(int channelId);

    /**
     * A channel's timer (its lifetime, its idle check) could not allocate under the direct-memory
     * cap: the owner closes the client connection it was for, counted and logged as when a
     * connection's handler meets the cap, instead of the failure being only logged by Netty.
     */
    void allocationFailed(OutOfDirectMemoryError exhausted);

    /**
     * The client's credit shows it grew this channel's downstream window by {@code bytes} more
     * (negative: the channel ended and gives its growth back). The session lets that much more
     * stay unacknowledged, within its window budget.
     */
    default void downstreamWindowGrew(long bytes) {
    }

    /** The smoothed round trip to the client and back in nanoseconds, 0 while unknown (nothing grows then). */
    default long rttNanos() {
        return 0;
    }

    /**
     * The budget the session's upstream channel windows grow within (docs/PROTOCOL.md, "Growing
     * windows"); asked once per channel. An owner without one gives each channel an empty budget
     * (windows stay at the initial size).
     */
    default WindowBudget upstreamWindowBudget() {
        return new WindowBudget(0);
    }
}
