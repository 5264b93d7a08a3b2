package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.protocol.RttEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The session's downstream half: numbers frames, keeps them until acknowledged, and hands
 * batches to whichever receiver is attached. After a reconnect it starts again right after
 * what the client acknowledged, so a dropped transport loses nothing.
 */
final class SessionOutbox {

    private final Session session;
    private final int batchCap;
    private final long baseBound;
    /** The bound grows with the session's grown downstream windows, up to this (docs/PROTOCOL.md, "Growing windows"). */
    private final long maxBound;
    private long bound;
    /**
     * The bound the close limit uses: a channel that ends gives its growth back at once, but
     * what it sent under that growth may still be unacknowledged, so the larger bound holds
     * until the client has caught up with the smaller one.
     */
    private long closeBound;
    /** What the client's channels have grown their downstream windows by, together: the bound follows it. */
    private long downstreamGrowth;
    private final RetransmitBuffer frames = new RetransmitBuffer();
    /** Highest sequence number handed to the current receiver. */
    private long sentUpTo;
    /** Highest sequence number ever handed to any receiver (to count retransmissions). */
    private long highestSent;
    /** How long an ACK with nothing to ride along may wait. */
    static final long ACK_DELAY_MILLIS = 20;
    /**
     * The client's retransmit buffer is freed at least this often, plus a quarter of what its
     * upstream windows grew by ({@link #loneAckBytes}).
     */
    static final long ACK_EVERY_BYTES = 32 * 1024;
    /**
     * How far one channel's backend read may take the session past its bound: each open channel
     * may have one read under way when the bound is reached, so that much per channel overshoots
     * it legitimately ({@link #backendReadRoom} holds reads to it).
     */
    static final long SLACK_PER_CHANNEL = 64 * 1024;

    private boolean ackPending;
    private long bytesSinceAck;
    private ScheduledFuture<?> ackTimer;
    private boolean helloPending;
    /** The client probed (a HEARTBEAT): the receiver gets a batch at once, a poll is answered now. */
    private boolean echoPending;
    private boolean flushScheduled;
    private long lastDeliveryNanos;
    private boolean closeScheduled;
    /** Created with the first sequenced frame: upstream windows grow by it (a session with no channel needs none). */
    private RttEstimator rtt;

    SessionOutbox(Session session, int batchCap, long bound, long maxBound) {
        this.session = session;
        this.batchCap = batchCap;
        this.baseBound = bound;
        this.bound = bound;
        this.closeBound = bound;
        this.maxBound = Math.max(bound, maxBound);
        this.lastDeliveryNanos = now();
    }

    /**
     * Queues and flushes the session's last frame. At the direct-memory cap the frame is lost,
     * but the session still ends (an expiry that threw here left it registered for good); the
     * client learns the reason from its next request (ClosedSessions keeps it).
     */
    void sendSessionClose(CloseCode code, String reason) {
        try {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            // Sized exactly: only the allocation itself can meet the cap, never a growth of a
            // buffer already held (which would leak it on the way to the catch below).
            ByteBuf payload = session.alloc().buffer(2 + text.length).writeShort(code.code()).writeBytes(text);
            enqueue(FrameType.SESSION_CLOSE, 0, payload);
            flush();
        } catch (OutOfDirectMemoryError exhausted) {
            session.context().metrics().directMemoryExhausted();
            OutOfBufferMemory.report("the SESSION_CLOSE of session " + SessionIds.redact(session.id()), exhausted);
        }
    }

    /** The loop's clock, not the system's, so tests on a frozen EmbeddedChannel clock control idleness. */
    private long now() {
        return session.loop().ticker().nanoTime();
    }

    long unackedBytes() {
        return frames.bytes();
    }

    /**
     * Whether the client keeps up: below the bound, backends are read and credit goes out.
     * Everything kept counts, control frames included: a client that uploads and never
     * acknowledges would otherwise make the gateway keep every CREDIT frame it answers with.
     */
    boolean belowBound() {
        return frames.bytes() < bound;
    }

    /**
     * The most one backend read may add now: the room left below the bound, plus the slack a
     * channel may overshoot it by ({@link #SLACK_PER_CHANNEL}, what a read at most brought when
     * reads were 64 KiB). Reads stop once the bound is passed ({@link #belowBound}), so a session
     * keeps at most the bound plus that slack per channel, as before reads grew to 256 KiB.
     */
    long backendReadRoom() {
        return Math.max(0, bound - frames.bytes()) + SLACK_PER_CHANNEL;
    }

    /**
     * A client's channel grew (or, closing, gave back) its downstream window by {@code bytes}:
     * the gateway may keep as much more unacknowledged as all of them grew together, or the
     * grown credit could never be in flight; never past the session's window budget.
     */
    void downstreamWindowGrew(long bytes) {
        downstreamGrowth += bytes;
        bound = Math.min(maxBound, baseBound + Math.max(0, downstreamGrowth));
        closeBound = Math.max(closeBound, bound);
    }

    /**
     * What a client that acknowledges can make the gateway keep: the bound, one backend read
     * per open channel already under way when the bound was reached, and as much again for
     * the control frames that answer its own frames meanwhile (OPENED, CLOSE; credit is held
     * back). A session past this is not acknowledging at all.
     */
    private long closeLimit() {
        if (frames.bytes() <= 2 * bound) {
            closeBound = bound; // caught up: the smaller bound applies again
        }
        return 2 * closeBound + session.openChannels() * SLACK_PER_CHANNEL;
    }

    void enqueue(FrameType type, int channelId, ByteBuf payload) {
        if (session.isClosed()) {
            payload.release(); // the retransmit buffer is gone: nothing may be kept after close
            return;
        }
        long seq = frames.nextSeq();
        frames.add(FrameCodec.encode(session.alloc(), type, channelId, seq, payload));
        if (frames.bytes() > closeLimit() && !closeScheduled) {
            closeScheduled = true;
            String reason = "the client does not acknowledge: " + frames.bytes() + " bytes unacknowledged (limit "
                    + closeLimit() + ")";
            session.loop().execute(() -> session.close(CloseCode.PROTOCOL_ERROR, reason)); // not mid-way through a caller
        }
        scheduleFlush();
    }

    /**
     * The client sent a sequenced frame: it needs an ACK, soon but not necessarily alone.
     * An ACK rides along with the next batch; on its own it waits up to {@link #ACK_DELAY_MILLIS}
     * (a reply usually comes sooner) unless {@link #ACK_EVERY_BYTES} arrived since the last one.
     */
    void ackPending(int bytes) {
        ackPending = true;
        bytesSinceAck += bytes;
    }

    void acknowledge(long ack) throws ProtocolException {
        if (ack >= frames.nextSeq()) {
            throw new ProtocolException("ack " + ack + " for a frame never sent (last is " + (frames.nextSeq() - 1) + ")");
        }
        frames.ackUpTo(ack);
        sentUpTo = Math.max(sentUpTo, ack);
        if (rtt != null) {
            rtt.acked(ack, now());
        }
    }

    /** The smoothed round trip to the client and back, 0 while unknown. */
    long rttNanos() {
        return rtt == null ? 0 : rtt.nanos();
    }

    /**
     * The client sent a HEARTBEAT, a probe of its downstream: the attached receiver (or the next
     * one, for a poll between requests) gets a batch at once, a HEARTBEAT if nothing else is
     * waiting. One flag, however many probes arrive, so probing costs the gateway nothing.
     */
    void echo() {
        echoPending = true;
    }

    /** A new receiver: resend everything not acknowledged, led by a HELLO if it wants one. */
    void restartFor(Receiver receiver) {
        sentUpTo = frames.firstSeq() - 1;
        helloPending = receiver.greetsWithHello();
    }

    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            session.loop().execute(this::flush);
        }
    }

    void flush() {
        flushScheduled = false;
        while (true) {
            Receiver receiver = session.receiver();
            if (receiver == null || !receiver.isWritable()) {
                return;
            }
            boolean framesWaiting = sentUpTo + 1 < frames.nextSeq();
            if (!framesWaiting && !helloPending && !echoPending) {
                if (!ackPending || !receiver.takesLoneAck()) {
                    return;
                }
                if (bytesSinceAck < loneAckBytes()) {
                    delayAck();
                    return;
                }
            }
            long before = sentUpTo;
            ByteBuf batch = nextBatch(receiver.maxBatchBytes(batchCap), receiver.batchLimit());
            lastDeliveryNanos = now();
            if (!receiver.deliver(batch, sentUpTo > before ? sentUpTo : 0)) {
                session.detach(receiver);
                return;
            }
        }
    }

    /**
     * Bytes from the client after which an ACK goes out alone: 32 KiB, plus a quarter of how far
     * the session's upstream windows grew (docs/PROTOCOL.md, "Reliable delivery"). A page
     * uploading through a 1 MiB window then gets no lone ACK per 64 KiB message (each is a
     * message the browser must take in, as costly as a bulk one): the ACK rides on the CREDIT
     * that comes every eighth of the window, and the 20 ms timer still bounds its delay.
     */
    private long loneAckBytes() {
        return ACK_EVERY_BYTES + session.upstreamGrowth() / 4;
    }

    /**
     * Gathers frames while the batch is below {@code cap}; never past {@code limit}, except
     * that a batch always takes one frame (a limit is never below one frame: WebSocketUpgrade).
     */
    private ByteBuf nextBatch(int cap, int limit) {
        ByteBufAllocator alloc = session.alloc();
        CompositeByteBuf batch = alloc.compositeBuffer(1024);
        if (helloPending) {
            helloPending = false;
            byte[] hello = session.registry().helloJson(session).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            batch.addComponent(true, FrameCodec.encodeSmall(alloc, FrameType.HELLO, 0, 0, hello));
        }
        if (ackPending) {
            ackPending = false;
            bytesSinceAck = 0;
            if (ackTimer != null) {
                ackTimer.cancel(false);
                ackTimer = null;
            }
            batch.addComponent(true, FrameCodec.encodeCount(alloc, FrameType.ACK, 0, 0, session.lastReceived()));
        }
        boolean resent = false;
        while (sentUpTo + 1 < frames.nextSeq() && batch.readableBytes() < cap
                && fits(batch, frames.get(sentUpTo + 1), limit)) {
            sentUpTo++;
            if (sentUpTo <= highestSent) {
                session.context().metrics().frameRetransmitted();
                resent = true;
            }
            batch.addComponent(true, frames.get(sentUpTo).retainedDuplicate());
        }
        timeRoundTrip(resent);
        highestSent = Math.max(highestSent, sentUpTo);
        if (echoPending && batch.numComponents() == 0) {
            batch.addComponent(true, FrameCodec.encodeSmall(alloc, FrameType.HEARTBEAT, 0, 0, new byte[0]));
        }
        echoPending = false;
        return batch;
    }

    private static boolean fits(ByteBuf batch, ByteBuf frame, int limit) {
        return batch.readableBytes() == 0 || (long) batch.readableBytes() + frame.readableBytes() <= limit;
    }

    /** Times the newest frame of a batch; a batch that resends spoils the sample under way. */
    private void timeRoundTrip(boolean resent) {
        if (resent && rtt != null) {
            rtt.resent();
        }
        if (sentUpTo > highestSent) {
            if (rtt == null) {
                rtt = new RttEstimator();
            }
            rtt.sent(sentUpTo, now());
        }
    }

    private void delayAck() {
        if (ackTimer == null) {
            ackTimer = session.loop().schedule(() -> {
                ackTimer = null;
                bytesSinceAck = Math.max(bytesSinceAck, loneAckBytes()); // due now
                try {
                    flush();
                } catch (OutOfDirectMemoryError exhausted) {
                    session.allocationFailed(exhausted);
                }
            }, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends a HEARTBEAT if nothing went to the attached receiver for {@code idleNanos}. */
    void heartbeatIfIdle(long idleNanos) {
        Receiver receiver = session.receiver();
        if (receiver == null || !receiver.wantsIdleHeartbeats() || !receiver.isWritable()
                || now() - lastDeliveryNanos < idleNanos) {
            return;
        }
        lastDeliveryNanos = now();
        ByteBuf beat = FrameCodec.encodeSmall(session.alloc(), FrameType.HEARTBEAT, 0, 0, new byte[0]);
        if (!receiver.deliver(beat, 0)) {
            session.detach(receiver);
        }
    }

    void releaseAll() {
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
        frames.releaseAll();
    }
}
