package io.cometgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.protocol.ProtocolJson;
import io.cometgate.protocol.RttEstimator;
import io.cometgate.protocol.WindowBudget;
import io.cometgate.protocol.WindowTuner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A protocol v1 session with one channel to the backend, over one transport (the carrier):
 * numbers upstream frames, delivers downstream frames in order once, grants downstream
 * credit as data is consumed, spends upstream credit, and acknowledges (piggy-backed on
 * upstream batches, alone every 32 KiB, and in every downstream request's {@code ack}).
 * Lean on purpose: no retransmit buffer (a failed transport fails the run, loudly).
 */
final class GatewayConn implements Conn, DueQueue.Item {

    static final int CHANNEL = 1;
    private static final int ACK_EVERY = 32 * 1024;
    /** The gateway's default --max-window: one channel per connection here, so that is the budget too. */
    private static final long MAX_WINDOW = 1024 * 1024;
    private static final io.netty.buffer.ByteBufAllocator ALLOC = io.netty.buffer.ByteBufAllocator.DEFAULT;

    interface Carrier {
        /** Connects; called once the connection knows its carrier (callbacks may use it at once). */
        void start();

        /** Sends one upstream batch (owned by the carrier from here). */
        void sendUp(ByteBuf batch);

        void shutdown();
    }

    final ClientContext context;
    final Route route;
    private final Listener listener;
    private final EventLoop loop;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Carrier carrier;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private CompositeByteBuf up;
    private String sessionId;
    private long upSeq;
    private long lastReceived;
    private long ackSent;
    private long unackedBytes;
    private long window = 128 * 1024;
    /** Grows the downstream window as the gateway's own upstream windows grow (docs/PROTOCOL.md, "Growing windows"). */
    private WindowTuner downWindow;
    private final RttEstimator rtt = new RttEstimator();
    private long timedUpTo;
    private long upCredit;
    private long consumed;
    private long granted;
    private boolean channelOpen;
    private boolean finished;
    private boolean ackTimerArmed;
    private long ackDueNanos;

    GatewayConn(ClientContext context, Route route, Listener listener) {
        this.context = context;
        this.route = route;
        this.listener = listener;
        this.loop = context.nextLoop();
        java.net.InetAddress source = context.nextSource();
        this.carrier = route.transport().equals("websocket") ? new WsCarrier(this, source) : new HttpCarrier(this, source);
        carrier.start();
    }

    @Override
    public CompletableFuture<Void> opened() {
        return opened;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    String sessionId() {
        return sessionId;
    }

    long lastReceived() {
        return lastReceived;
    }

    @Override
    public void send(ByteBuf data) {
        if (finished) {
            data.release();
            return;
        }
        waiting.add(data);
        drainWaiting();
        flushUp();
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (finished) {
                return;
            }
            appendUp(FrameCodec.encodeCode(ALLOC, FrameType.SESSION_CLOSE, 0, ++upSeq, 1000, ""));
            flushUp();
            finished = true;
            waiting.forEach(ByteBuf::release);
            waiting.clear();
            carrier.shutdown();
        });
    }

    // ---- from the carrier -------------------------------------------------------------

    /** The session's HELLO (from the WebSocket, a stream, or the POST that created it). */
    void hello(String json) {
        if (sessionId != null) {
            return;
        }
        JsonNode hello;
        try {
            hello = ProtocolJson.readObject(json);
        } catch (IllegalArgumentException e) {
            fail("HELLO is not a JSON object: " + json);
            return;
        }
        if (!hello.path("session").isTextual() || !hello.path("window").canConvertToLong()) {
            fail("HELLO without session or window: " + json);
            return;
        }
        sessionId = hello.get("session").asText();
        window = hello.get("window").asLong();
        downWindow = new WindowTuner(window, MAX_WINDOW, new WindowBudget(MAX_WINDOW), System.nanoTime());
        byte[] target = ProtocolJson.write(new ProtocolJson.Open(context.gatewayTarget, null)).getBytes(StandardCharsets.UTF_8);
        appendUp(FrameCodec.encodeSmall(ALLOC, FrameType.OPEN, CHANNEL, ++upSeq, target));
        flushUp();
    }

    /** One downstream batch; not released here. */
    void batch(ByteBuf batch) {
        List<Frame> frames;
        try {
            frames = FrameCodec.decodeBatch(batch, 1 << 20);
        } catch (ProtocolException e) {
            fail("malformed batch from the gateway: " + e.getMessage());
            return;
        }
        try {
            for (Frame frame : frames) {
                if (!finished) {
                    handle(frame);
                }
            }
        } finally {
            Frame.releaseAll(frames);
        }
        if (unackedBytes >= ACK_EVERY && !route.polling()) {
            appendAck();
        }
        flushUp();
        armAckTimer();
    }

    /**
     * An idle client still acknowledges what it got (so the gateway can free its retransmit
     * buffer, as it does for a browser); a busy one has acked by then with its next batch.
     * The loop's lone-ACK {@link DueQueue} times it, one timer for all of the loop's sessions
     * (every session waits the same delay, so they fall due in the order they were armed).
     */
    private void armAckTimer() {
        if (ackTimerArmed || route.polling() || lastReceived <= ackSent || finished) {
            return;
        }
        ackTimerArmed = true;
        ackDueNanos = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.ackDelayMillis);
        context.loneAcks(loop).add(this);
    }

    @Override
    public long dueNanos() {
        return ackDueNanos;
    }

    /** The lone ACK fell due: sends it unless a batch carried one meanwhile. */
    @Override
    public boolean fire() {
        ackTimerArmed = false;
        if (!finished && lastReceived > ackSent && sessionId != null) {
            appendAck();
            flushUp();
        }
        return false;
    }

    private void handle(Frame frame) {
        FrameType type = frame.type();
        if (type == FrameType.HELLO) {
            hello(frame.payload().toString(StandardCharsets.UTF_8));
            return;
        }
        if (type.sequenced()) {
            if (frame.seq() <= lastReceived) {
                return; // resent after a stream reconnect: seen already
            }
            if (frame.seq() != lastReceived + 1) {
                fail("sequence gap from the gateway: expected " + (lastReceived + 1) + ", got " + frame.seq());
                return;
            }
            lastReceived = frame.seq();
            unackedBytes += FrameCodec.HEADER_BYTES + frame.payload().readableBytes();
        }
        try {
            switch (type) {
                case OPENED -> {
                    JsonNode win = ProtocolJson.readObject(frame.payload().toString(StandardCharsets.UTF_8)).path("window");
                    upCredit = win.canConvertToLong() ? win.asLong() : window;
                    channelOpen = true;
                    drainWaiting();
                    opened.complete(null);
                }
                case DATA -> {
                    int n = frame.payload().readableBytes();
                    listener.onData(this, frame.payload());
                    consumed += n;
                    if (consumed - granted >= downWindow.window() / 4) {
                        long grant = consumed - granted + downWindow.consumed(consumed - granted, System.nanoTime(), rtt.nanos());
                        appendUp(FrameCodec.encodeCount(ALLOC, FrameType.CREDIT, CHANNEL, ++upSeq, grant));
                        granted = consumed;
                    }
                }
                case ACK -> rtt.acked(FrameCodec.count(frame), System.nanoTime());
                case CREDIT -> {
                    upCredit += FrameCodec.count(frame);
                    drainWaiting();
                }
                case CLOSE -> fail("channel closed by the gateway: " + FrameCodec.closeCode(frame.payload()) + " "
                        + FrameCodec.closeReason(frame.payload()));
                case SESSION_CLOSE -> fail("session closed by the gateway: " + FrameCodec.closeCode(frame.payload()) + " "
                        + FrameCodec.closeReason(frame.payload()));
                default -> { }
            }
        } catch (ProtocolException | IllegalArgumentException e) {
            fail(e.getMessage()); // IllegalArgumentException: an OPENED payload that is not a JSON object
        }
    }

    void fail(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        waiting.forEach(ByteBuf::release);
        waiting.clear();
        if (up != null) {
            up.release();
            up = null;
        }
        opened.completeExceptionally(new IllegalStateException(reason));
        if (carrier != null) {
            carrier.shutdown();
        }
        listener.onClosed(this, reason);
    }

    // ---- upstream ------------------------------------------------------------------------

    private void drainWaiting() {
        while (channelOpen && !waiting.isEmpty() && upCredit >= waiting.peek().readableBytes()) {
            ByteBuf data = waiting.poll();
            while (data.isReadable()) {
                int n = Math.min(data.readableBytes(), 64 * 1024);
                upCredit -= n;
                appendUp(FrameCodec.encode(ALLOC, FrameType.DATA, CHANNEL, ++upSeq, data.readRetainedSlice(n)));
            }
            data.release();
        }
    }

    private void appendAck() {
        appendUp(FrameCodec.encodeCount(ALLOC, FrameType.ACK, 0, 0, lastReceived));
        ackSent = lastReceived;
        unackedBytes = 0;
    }

    private void appendUp(ByteBuf frame) {
        if (finished) {
            // A HELLO that arrives after close() or fail() would otherwise queue its OPEN in a
            // batch that flushUp() never sends and nothing releases (Netty's leak check in
            // BenchSmokeIT: GatewayConn.appendUp <- hello <- HttpCarrier.createSession).
            frame.release();
            return;
        }
        if (up == null) {
            up = Unpooled.compositeBuffer(64);
            if (lastReceived > ackSent && frame.getByte(0) != FrameType.ACK.code()) {
                up.addComponent(true, FrameCodec.encodeCount(ALLOC, FrameType.ACK, 0, 0, lastReceived));
                ackSent = lastReceived;
                unackedBytes = 0;
            }
        }
        up.addComponent(true, frame);
    }

    private void flushUp() {
        if (up != null && !finished) {
            ByteBuf batch = up;
            up = null;
            if (upSeq > timedUpTo) {
                timedUpTo = upSeq;
                rtt.sent(upSeq, System.nanoTime());
            }
            carrier.sendUp(batch);
        }
    }

    @Override
    public String toString() {
        return route.name() + " session " + (sessionId == null ? "(none yet)" : sessionId.substring(0, Math.min(6, sessionId.length())) + "...")
                + " upSeq=" + upSeq + " lastReceived=" + lastReceived + " channelOpen=" + channelOpen + " finished=" + finished
                + " carrier=" + carrier;
    }

    /** The ack a downstream request carries. */
    long ackForRequest() {
        ackSent = lastReceived;
        unackedBytes = 0;
        return lastReceived;
    }
}
