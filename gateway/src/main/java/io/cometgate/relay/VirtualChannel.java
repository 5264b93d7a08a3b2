package io.cometgate.relay;

import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.CorrelationIds;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.WindowBudget;
import io.cometgate.protocol.WindowTuner;
import io.cometgate.session.ChannelOwner;
import io.cometgate.session.SessionChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One virtual socket once it is asked for: the byte relay between a session's channel and one
 * backend TCP connection, with a credit window each way. Downstream, the backend is read only
 * while the client has granted credit and the session's retransmit buffer has room; upstream,
 * credit goes back to the client as the backend accepts bytes. Opening is
 * {@link ChannelOpening}'s job; until it reports {@link #opened}, client data is held.
 * Runs entirely on its session's event loop.
 */
final class VirtualChannel implements SessionChannel {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualChannel.class);

    private enum State { OPENING, OPEN, CLOSED }

    private final BackendRelay relay;
    private final ChannelOwner session;
    private final int id;
    private final String target;
    /** Joins this channel's decision and close lines in the audit log; not the session id, which stays secret. */
    private final String correlationId = CorrelationIds.next();
    private final GatewayMetrics metrics;
    private final int maxFrame;
    private final int initialWindow;
    private final int maxWindow;
    private final long createdNanos = System.nanoTime();
    private State state = State.OPENING;
    private Decision decision;
    private Channel backend;
    private Runnable releaseSlot;
    private ScheduledFuture<?> lifetime;
    private long downCredit;
    /**
     * How far the client has grown its downstream window, at least: credit beyond the initial
     * window can only come from growth (the client never grants more than it has room for).
     */
    private long downGrowth;
    /** Bytes read from the backend beyond the client's credit: at most one read. */
    private ByteBuf heldDown;
    private boolean backendEof;
    private long upGranted;
    private long upReceived;
    /**
     * Client data that arrived before the backend connected: bounded by the initial window.
     * Created on first use: most channels never need it, and an idle session's heap counts.
     */
    private ArrayDeque<ByteBuf> heldUp;
    /**
     * Grows the upstream window while the client sends faster than a window per two round
     * trips (docs/PROTOCOL.md, "Growing windows"). Created with the first grant: a channel the
     * client never sends on costs nothing, and does not count against the session's budget.
     */
    private WindowTuner upWindow;
    private long creditToReturn;
    private boolean creditFlushScheduled;
    private long bytesUp;
    private long bytesDown;

    VirtualChannel(BackendRelay relay, ChannelOwner session, int id, String target) {
        this.relay = relay;
        this.session = session;
        this.id = id;
        this.target = target;
        this.metrics = relay.metrics;
        this.maxFrame = relay.config.maxFramePayload();
        this.initialWindow = relay.config.channelWindow();
        this.maxWindow = relay.config.maxWindow();
        this.downCredit = initialWindow;
        this.upGranted = initialWindow;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public InetSocketAddress address() {
        return decision == null || !decision.allowed() ? null : decision.address();
    }

    String correlationId() {
        return correlationId;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    // ---- the open procedure reports here ----------------------------------------------

    @Override
    public void open(String token) {
        new ChannelOpening(relay, this, session).start(token);
    }

    void decided(Decision d) {
        decision = d;
    }

    /** The per-target slot this channel holds until it ends. */
    void holdSlot(Runnable release) {
        releaseSlot = release;
    }

    void connecting(Channel backendChannel) {
        backend = backendChannel;
    }

    /**
     * The backend is ready and the client was sent OPENED: WEBIRC first (it must be the first
     * line the IRC server sees, and it is not the client's data, so it costs no credit), then
     * what the client sent meanwhile, then the first read.
     */
    void opened(String webircLine, Duration maxLifetime) {
        state = State.OPEN;
        if (maxLifetime.toMillis() > 0) {
            lifetime = session.loop().schedule(() -> closeWith(CloseCode.LIFETIME_EXCEEDED,
                    "channel open longer than " + maxLifetime.toSeconds() + " s"), maxLifetime.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (webircLine != null) {
            backend.writeAndFlush(Unpooled.copiedBuffer(webircLine, StandardCharsets.US_ASCII));
        }
        if (heldUp != null) {
            while (!heldUp.isEmpty()) {
                writeToBackend(heldUp.poll());
            }
            heldUp = null;
        }
        resumeReading();
    }

    // ---- client -> backend ------------------------------------------------------------

    @Override
    public void fromClient(ByteBuf data) {
        int n = data.readableBytes();
        if (state == State.CLOSED) {
            data.release();
            return;
        }
        upReceived += n;
        if (upReceived > upGranted) {
            data.release();
            closeWith(CloseCode.FLOW_CONTROL, "sent " + (upReceived - upGranted) + " bytes beyond the granted credit");
            return;
        }
        bytesUp += n;
        metrics.bytesUp.add(n);
        if (state == State.OPEN) {
            writeToBackend(data);
        } else {
            if (heldUp == null) {
                heldUp = new ArrayDeque<>(2);
            }
            heldUp.add(data);
        }
    }

    private void writeToBackend(ByteBuf data) {
        int n = data.readableBytes();
        backend.writeAndFlush(data).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                returnCredit(n);
            }
        });
    }

    /**
     * Credit goes back as the backend accepts bytes, in CREDIT frames of at least an eighth of
     * the window: the client always keeps 7/8 of its window, so it never waits for them, and a
     * small request/response exchange costs no extra frame. While the client lags behind on
     * acknowledgements no credit goes out (every CREDIT frame is kept until acknowledged); what
     * accumulates meanwhile goes out as one grant once it catches up.
     */
    private void returnCredit(int n) {
        creditToReturn += n;
        scheduleCreditGrant();
    }

    private void scheduleCreditGrant() {
        long window = upWindow == null ? initialWindow : upWindow.window();
        if (creditToReturn >= Math.max(1, window / 8) && !creditFlushScheduled && session.canReadBackends()) {
            creditFlushScheduled = true;
            session.loop().execute(this::grantCredit);
        }
    }

    private void grantCredit() {
        creditFlushScheduled = false;
        if (state == State.CLOSED || creditToReturn == 0 || !session.canReadBackends()) {
            return; // withheld credit stays counted for the next grant
        }
        if (upWindow == null) {
            WindowBudget budget = session.upstreamWindowBudget();
            budget.open(initialWindow);
            upWindow = new WindowTuner(initialWindow, maxWindow, budget, createdNanos);
        }
        long grant = creditToReturn + upWindow.consumed(creditToReturn, System.nanoTime(), session.rttNanos());
        upGranted += grant;
        session.sendCredit(id, grant);
        creditToReturn = 0;
    }

    /** Half-close: everything the client sent is written first, then the backend sees EOF. */
    @Override
    public void closeFromClient(int code) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        if (wasOpen && backend.isActive()) {
            backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (backend instanceof SocketChannel socket && f.isSuccess()) {
                    socket.shutdownOutput().addListener(done -> backend.close());
                } else {
                    backend.close();
                }
            });
        } else if (backend != null) {
            backend.close(); // still connecting: nothing was relayed yet
        }
        finish(CloseCode.NORMAL, "closed by the client (code " + code + ")", !wasOpen);
    }

    // ---- backend -> client ------------------------------------------------------------

    void fromBackend(ByteBuf data) {
        if (state != State.OPEN) {
            data.release();
            return;
        }
        bytesDown += data.readableBytes();
        metrics.bytesDown.add(data.readableBytes());
        hold(data);
        drainHeld();
    }

    /**
     * Normally one read arrives per read() request, so this holds at most one read. When the
     * backend half-closes, Netty drains the socket to EOF regardless of read requests; that
     * tail (at most the kernel's receive buffer) is appended rather than lost.
     */
    private void hold(ByteBuf data) {
        if (heldDown == null) {
            heldDown = data;
        } else {
            CompositeByteBuf both = heldDown instanceof CompositeByteBuf c ? c
                    : heldDown.alloc().compositeBuffer(64).addComponent(true, heldDown);
            heldDown = both.addComponent(true, data);
        }
    }

    @Override
    public void grantDownstream(long bytes) {
        if (state == State.CLOSED) {
            return;
        }
        downCredit += bytes;
        if (downCredit - initialWindow > downGrowth) {
            session.downstreamWindowGrew(downCredit - initialWindow - downGrowth);
            downGrowth = downCredit - initialWindow;
        }
        drainHeld();
        resumeReading();
    }

    private void drainHeld() {
        if (heldDown == null) {
            return;
        }
        while (heldDown.isReadable() && downCredit > 0) {
            int chunk = (int) Math.min(Math.min(heldDown.readableBytes(), downCredit), maxFrame);
            session.sendData(id, heldDown.readRetainedSlice(chunk));
            downCredit -= chunk;
        }
        if (!heldDown.isReadable()) {
            heldDown.release();
            heldDown = null;
            if (backendEof) {
                closeWith(CloseCode.BACKEND_CLOSED, "the backend closed the connection");
            }
        } else {
            metrics.flowControlStalls.increment();
        }
    }

    /**
     * Asks the backend for one more read if the client can take it; credit held back while the
     * client lagged on acknowledgements goes out now too.
     */
    @Override
    public void resumeReading() {
        scheduleCreditGrant();
        if (state == State.OPEN && !backendEof && heldDown == null && downCredit > 0 && session.canReadBackends()) {
            backend.read();
        }
    }

    void backendClosed() {
        if (state != State.OPEN) {
            return;
        }
        backendEof = true;
        if (heldDown == null) {
            closeWith(CloseCode.BACKEND_CLOSED, "the backend closed the connection");
        }
        // else: the rest goes out as credit arrives, then CLOSE 4000 (see drainHeld)
    }

    void backendFailed(Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("channel {} backend I/O error: {}", id, cause.toString());
        } else {
            LOG.warn("channel {} backend failure", id, cause);
        }
        if (state == State.OPEN) {
            closeWith(OpenFailure.isTls(cause) ? CloseCode.BACKEND_TLS : CloseCode.BACKEND_ERROR,
                    cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }

    void idle() {
        closeWith(CloseCode.IDLE_TIMEOUT, "no data either way for "
                + relay.decider.limits().channelIdleTimeout().toSeconds() + " s");
    }

    // ---- closing ----------------------------------------------------------------------

    @Override
    public void closeWith(CloseCode code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        session.sendClose(id, code, reason);
        abort(code, reason);
    }

    @Override
    public void abort(CloseCode code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean neverOpened = state != State.OPEN;
        state = State.CLOSED;
        if (backend != null) {
            backend.close();
        }
        finish(code, reason, neverOpened);
    }

    private void finish(CloseCode code, String reason, boolean neverOpened) {
        if (heldDown != null) {
            heldDown.release();
            heldDown = null;
        }
        if (heldUp != null) {
            while (!heldUp.isEmpty()) {
                heldUp.poll().release();
            }
            heldUp = null;
        }
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        if (downGrowth > 0) {
            session.downstreamWindowGrew(-downGrowth);
            downGrowth = 0;
        }
        if (upWindow != null) {
            upWindow.release();
            session.upstreamWindowBudget().close(initialWindow);
            upWindow = null;
        }
        if (releaseSlot != null) {
            releaseSlot.run();
            releaseSlot = null;
        }
        session.channelClosed(id);
        if (!neverOpened) {
            metrics.channelsClosed.increment();
            relay.audit.channelClosed(correlationId, session, target, decision, bytesUp, bytesDown,
                    (System.nanoTime() - createdNanos) / 1_000_000, code, reason);
        }
    }
}
