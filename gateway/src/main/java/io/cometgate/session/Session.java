package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.protocol.WindowBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.internal.OutOfDirectMemoryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One page's link to the gateway: multiplexes channels, numbers and keeps every frame it
 * sends until the client acknowledges it, delivers client frames in order exactly once, and
 * outlives the transports that carry it.
 *
 * <p>Threading: a session is pinned to one event loop; every method except {@link #loop()},
 * {@link #id()} and the immutable getters must run on it. Transports hop there first. The
 * backends of its channels are connected on the same loop, so nothing here is locked.
 */
public final class Session implements ChannelOwner {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String id;
    private final EventLoop loop;
    private final SessionContext context;
    private final SessionRegistry registry;
    private final String origin;
    private final InetAddress clientAddress;
    private final String clientSubject;
    private final SessionOutbox outbox;
    private final ChannelTable channels = new ChannelTable();
    private final SessionLiveness liveness;
    private long lastReceived;
    private int highestChannelId;
    private Receiver receiver;
    /** Created with the first channel: an idle session with none pays nothing for it. */
    private WindowBudget upstreamWindows;
    private boolean closed;
    private SessionEnd end;

    Session(String id, EventLoop loop, SessionContext context, SessionRegistry registry, String origin,
            InetAddress clientAddress, String clientSubject) {
        this.clientSubject = clientSubject;
        this.id = id;
        this.registry = registry;
        this.loop = loop;
        this.context = context;
        this.origin = origin;
        this.clientAddress = clientAddress;
        this.outbox = new SessionOutbox(this, context.config().maxMessageBytes(), context.config().retransmitBound(),
                context.config().windowBudget());
        this.liveness = new SessionLiveness(this, registry.sweepOf(loop));
    }

    public String id() {
        return id;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** The TLS client certificate subject of the request that created the session, or {@code null}. */
    public String clientSubject() {
        return clientSubject;
    }

    public SessionContext context() {
        return context;
    }

    SessionRegistry registry() {
        return registry;
    }

    public ByteBufAllocator alloc() {
        return ByteBufAllocator.DEFAULT;
    }

    public boolean isClosed() {
        return closed;
    }

    /** How the session ended, or {@code null} while it is open. */
    public SessionEnd end() {
        return end;
    }

    /** The highest client sequence number received in order (what HELLO and POST answers carry). */
    public long lastReceived() {
        return lastReceived;
    }

    /** Whether a receiver is attached right now (metrics, tests). */
    public Receiver receiver() {
        return receiver;
    }

    // ---- transports attach and detach ----------------------------------------------------

    /**
     * Attaches a downstream receiver; a previous one is ended ("replaced"). Everything the
     * client has not acknowledged ({@code clientAck}) is sent again.
     */
    public void attach(Receiver newReceiver, long clientAck) {
        if (closed) {
            newReceiver.end(false);
            return;
        }
        try {
            acknowledge(clientAck);
        } catch (ProtocolException e) {
            newReceiver.end(false);
            close(CloseCode.PROTOCOL_ERROR, e.getMessage());
            return;
        }
        Receiver previous = receiver;
        receiver = newReceiver;
        if (previous != null) {
            previous.end(true);
        }
        if (liveness.attached()) {
            context.metrics().sessionResumed();
        }
        outbox.restartFor(newReceiver);
        outbox.flush();
    }

    /** The transport is gone (or answered its poll); the session waits for the next one. */
    public void detach(Receiver gone) {
        if (receiver == gone) {
            receiver = null;
            if (!closed) {
                liveness.detached();
            }
        }
    }

    /** The attached receiver can take data again. */
    public void receiverWritable() {
        outbox.flush();
    }

    // ---- frames from the client -----------------------------------------------------------

    /** Handles a decoded batch from the client; releases every frame, handled or not. */
    public void receive(List<Frame> frames) {
        int handled = 0;
        try {
            while (handled < frames.size() && !closed) {
                Frame frame = frames.get(handled++);
                try {
                    handle(frame);
                } finally {
                    frame.release();
                }
            }
        } catch (ProtocolException e) {
            close(CloseCode.PROTOCOL_ERROR, e.getMessage());
        } finally {
            for (int i = handled; i < frames.size(); i++) {
                frames.get(i).release(); // after a SESSION_CLOSE or a protocol error
            }
        }
        outbox.scheduleFlush();
    }

    private void handle(Frame frame) throws ProtocolException {
        FrameType type = frame.type();
        if (!type.clientMaySend()) {
            throw new ProtocolException(type + " frames only flow from the gateway");
        }
        if (type.sequenced()) {
            outbox.ackPending(frame.payload().readableBytes() + FrameCodec.HEADER_BYTES);
            if (frame.seq() <= lastReceived) {
                return; // a duplicate from a resend: already delivered
            }
            if (frame.seq() != lastReceived + 1) {
                throw new ProtocolException("sequence gap: expected " + (lastReceived + 1) + ", got " + frame.seq());
            }
            lastReceived = frame.seq();
        }
        switch (type) {
            case ACK -> acknowledge(FrameCodec.count(frame));
            case HEARTBEAT -> outbox.echo(); // a probe: answered at once on the downstream
            case OPEN -> openChannel(frame);
            case DATA -> {
                SessionChannel channel = channelFor(frame);
                if (channel != null) {
                    channel.fromClient(frame.payload().retain());
                }
            }
            case CREDIT -> {
                long granted = FrameCodec.count(frame); // malformed is an error even for a channel closed meanwhile
                SessionChannel channel = channelFor(frame);
                if (channel != null) {
                    channel.grantDownstream(granted);
                }
            }
            case CLOSE -> {
                int code = FrameCodec.closeCode(frame.payload());
                SessionChannel channel = channelFor(frame);
                if (channel != null) {
                    channel.closeFromClient(code);
                }
            }
            case SESSION_CLOSE -> close(CloseCode.NORMAL, "closed by the client");
            default -> throw new ProtocolException("unexpected " + type);
        }
    }

    private SessionChannel channelFor(Frame frame) throws ProtocolException {
        int channelId = frame.channel();
        if (channelId <= 0 || channelId > highestChannelId || (channelId & 1) == 0) {
            throw new ProtocolException(frame.type() + " for channel " + channelId + " that was never opened");
        }
        return channels.get(channelId); // null: closed already, late frames are ignored
    }

    private void openChannel(Frame frame) throws ProtocolException {
        int channelId = frame.channel();
        if ((channelId & 1) == 0 || channelId <= highestChannelId) {
            throw new ProtocolException("OPEN needs a new odd channel id above " + highestChannelId + ", got " + channelId);
        }
        highestChannelId = channelId;
        OpenRequest request;
        try {
            request = OpenRequest.parse(frame.payload().toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            sendClose(channelId, CloseCode.PROTOCOL_ERROR, e.getMessage());
            return;
        }
        int max = context.decider().limits().maxChannelsPerSession();
        if (channels.size() >= max) {
            sendClose(channelId, CloseCode.LIMIT_EXCEEDED, "at most " + max + " open channels per session");
            return;
        }
        SessionChannel channel = context.opener().create(this, channelId, request.target());
        channels.put(channelId, channel);
        channel.open(request.token());
    }

    private void acknowledge(long ack) throws ProtocolException {
        boolean wasFull = !canReadBackends();
        outbox.acknowledge(ack);
        resumeReadingIfFreed(wasFull);
    }

    /** Backends stopped being read while the client fell behind; once it has caught up, every channel reads again. */
    private void resumeReadingIfFreed(boolean wasFull) {
        if (wasFull && canReadBackends()) {
            for (SessionChannel channel : channels.snapshot()) {
                channel.resumeReading();
            }
        }
    }

    // ---- frames to the client -------------------------------------------------------------

    /**
     * Whether the client is keeping up (what it has not acknowledged is under the retransmit
     * bound): backends are read, and upstream credit is granted, only while this holds.
     */
    @Override
    public boolean canReadBackends() {
        return !closed && outbox.belowBound();
    }

    @Override
    public long backendReadRoom() {
        return closed ? 0 : outbox.backendReadRoom();
    }

    @Override
    public void sendData(int channelId, ByteBuf payload) {
        outbox.enqueue(FrameType.DATA, channelId, payload);
    }

    @Override
    public void sendOpened(int channelId, String json) {
        outbox.enqueue(FrameType.OPENED, channelId, alloc().buffer().writeBytes(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void sendCredit(int channelId, long bytes) {
        outbox.enqueue(FrameType.CREDIT, channelId, alloc().buffer(4).writeInt((int) bytes));
    }

    @Override
    public void sendClose(int channelId, CloseCode code, String reason) {
        ByteBuf payload = alloc().buffer().writeShort(code.code()).writeBytes(reason.getBytes(StandardCharsets.UTF_8));
        outbox.enqueue(FrameType.CLOSE, channelId, payload);
    }

    @Override
    public long rttNanos() {
        return outbox.rttNanos();
    }

    @Override
    public WindowBudget upstreamWindowBudget() {
        if (upstreamWindows == null) {
            upstreamWindows = new WindowBudget(context.config().windowBudget());
        }
        return upstreamWindows;
    }

    /** What the channels' upstream windows grew by, together; 0 while none grew (no budget made for it). */
    long upstreamGrowth() {
        return upstreamWindows == null ? 0 : upstreamWindows.grown();
    }

    @Override
    public void downstreamWindowGrew(long bytes) {
        boolean wasFull = !canReadBackends();
        outbox.downstreamWindowGrew(bytes);
        resumeReadingIfFreed(wasFull && bytes > 0);
    }

    @Override
    public void channelClosed(int channelId) {
        channels.remove(channelId);
    }

    /** Closes (4004) every connected channel the predicate no longer allows: after a policy reload. */
    public void closeChannelsNoLongerAllowed(ChannelPredicate stillAllowed) {
        for (SessionChannel channel : channels.snapshot()) {
            if (channel.address() != null && !stillAllowed.test(channel.target(), origin, channel.address())) {
                channel.closeWith(CloseCode.POLICY_DENIED, "no longer allowed after a policy reload");
            }
        }
    }

    public int openChannels() {
        return channels.size();
    }

    // ---- liveness and the end -------------------------------------------------------------

    /** {@link SessionLiveness}'s periodic check: beats a receiver idle this long, lets idle channels time out. */
    void checkIdle(long heartbeatIdleNanos) {
        outbox.heartbeatIfIdle(heartbeatIdleNanos);
        if (!channels.isEmpty()) {
            long now = loop.ticker().nanoTime();
            for (SessionChannel channel : channels.snapshot()) { // an idle one removes itself
                channel.checkIdle(now);
            }
        }
    }

    /**
     * A timer of this session (a heartbeat, a delayed ACK, a poll's hold, an idle or lifetime
     * check) could not allocate under the direct-memory cap. As when a connection's handler
     * meets the cap, the transport connection closes, counted and logged the same way, and the
     * session carries on: the client reconnects and is sent again what it has not acknowledged.
     * Thrown out of the timer instead, it was only logged by Netty, and a periodic timer (the
     * session's liveness check) was cancelled for good.
     */
    @Override
    public void allocationFailed(OutOfDirectMemoryError exhausted) {
        context.metrics().directMemoryExhausted();
        Receiver attached = receiver;
        OutOfBufferMemory.report("the transport of session " + SessionIds.redact(id), exhausted);
        if (attached != null) {
            detach(attached);
            attached.abort();
        }
    }

    /** Ends the session: every backend closes, the client is told (if it is listening). */
    public void close(CloseCode code, String reason) {
        if (closed) {
            return;
        }
        LOG.debug("session {} closing: {} {}", SessionIds.redact(id), code.label(), reason);
        for (SessionChannel channel : channels.snapshot()) {
            channel.abort(code, reason);
        }
        channels.clear();
        outbox.sendSessionClose(code, reason);
        closed = true;
        end = new SessionEnd(code, reason);
        liveness.stop();
        Receiver last = receiver;
        receiver = null;
        if (last != null) {
            last.end(false);
        }
        outbox.releaseAll();
        registry.remove(this);
    }
}
