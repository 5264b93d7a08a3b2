package io.cometgate.relay;

import io.cometgate.policy.CorrelationIds;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelOwner;
import io.cometgate.session.SessionChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.OutOfDirectMemoryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One virtual socket once it is asked for: the byte relay between a session's channel and one
 * backend TCP connection, with a credit window each way. Downstream, the backend is read only
 * while the client has granted credit and the session's retransmit buffer has room; upstream,
 * credit goes back to the client as the backend accepts bytes. Opening is
 * {@link ChannelOpening}'s job; until it reports {@link #opened}, client data is held. The
 * upstream credit and window bookkeeping is its base class's, {@link UpstreamCredit}.
 * Runs entirely on its session's event loop.
 */
final class VirtualChannel extends UpstreamCredit implements SessionChannel, CreditBoundReads.Allowance {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualChannel.class);

    private enum State { OPENING, OPEN, CLOSED }

    private final BackendRelay relay;
    /** What the page asked for; once allowed, the instance every channel to it shares. */
    private String target;
    /**
     * Joins this channel's decision and close lines in the audit log; not the session id, which
     * stays secret. Kept as its number, formatted when logged: a String per channel was ~56 B of
     * every idle session's heap (docs/BENCHMARKS.md, S1).
     */
    private final long correlationNumber = CorrelationIds.nextNumber();
    private State state = State.OPENING;
    private Decision decision;
    private Channel backend;
    /** The per-target slot of {@link #address()} is held (released once, when the channel ends). */
    private boolean holdsSlot;
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
    private long bytesUp;
    private long bytesDown;
    /** Data moved either way since the last idle check: a flag, so no message pays for a clock read. */
    private boolean activeSinceCheck;
    /** When an idle check last saw the channel active (or it opened). */
    private long quietSinceNanos;

    VirtualChannel(BackendRelay relay, ChannelOwner session, int id, String target) {
        super(session, id, relay.config.channelWindow(), relay.config.maxWindow());
        this.relay = relay;
        this.target = target;
        this.downCredit = initialWindow;
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
        return CorrelationIds.format(correlationNumber);
    }

    @Override
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
        if (d.allowed()) {
            target = relay.decisions.shareTarget(target);
        }
    }

    /**
     * The channel holds a per-target slot for its decided address until it ends (a flag, not a
     * release closure: the closure was 24 B more on every idle session).
     */
    void holdSlot() {
        holdsSlot = true;
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
        quietSinceNanos = session.loop().ticker().nanoTime();
        if (maxLifetime.toMillis() > 0) {
            lifetime = session.loop().schedule(() -> lifetimeExceeded(maxLifetime), maxLifetime.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (webircLine != null) {
            backend.writeAndFlush(Unpooled.copiedBuffer(webircLine, StandardCharsets.US_ASCII));
        }
        writeHeldTo(backend);
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
        long overdraft = overdraft(n);
        if (overdraft > 0) {
            data.release();
            closeWith(CloseCode.FLOW_CONTROL, "sent " + overdraft + " bytes beyond the granted credit");
            return;
        }
        bytesUp += n;
        activeSinceCheck = true;
        relay.metrics.bytesUp.add(n);
        if (state == State.OPEN) {
            writeTo(backend, data);
        } else {
            holdUntilConnected(data);
        }
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
        activeSinceCheck = true;
        relay.metrics.bytesDown.add(data.readableBytes());
        hold(data);
        drainHeld();
    }

    /**
     * A read is no larger than the credit ({@link #readAllowance}), and a request reads again
     * only while credit is left and nothing is held ({@link CreditBoundReads}), so data is held
     * only when the backend half-closes: Netty then drains the socket to EOF regardless of credit
     * and read requests, and that tail (at most the kernel's receive buffer) is appended rather
     * than lost.
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
            int chunk = (int) Math.min(Math.min(heldDown.readableBytes(), downCredit), relay.config.maxFramePayload());
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
            relay.metrics.flowControlStalls.increment();
        }
    }

    /**
     * Asks the backend for one more read if the client can take it; credit held back while the
     * client lagged on acknowledgements goes out now too.
     */
    @Override
    public void resumeReading() {
        scheduleCreditGrant();
        if (canTakeAnotherRead()) {
            backend.read();
        }
    }

    /**
     * The most the next backend read may bring: no more than the client's credit, so nothing
     * read waits for credit, and no more than the session's room ({@link ChannelOwner#backendReadRoom}).
     */
    @Override
    public long readAllowance() {
        return Math.min(downCredit, session.backendReadRoom());
    }

    /** Whether another backend read would go straight out: open, credit left, nothing held, the client keeping up. */
    @Override
    public boolean canTakeAnotherRead() {
        return state == State.OPEN && !backendEof && heldDown == null && downCredit > 0 && session.canReadBackends();
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

    /**
     * Closes the channel (4005) once no data moved either way for the policy's idle timeout,
     * give or take one check interval. Only an open channel idles: opening has its own
     * connect timeout.
     */
    @Override
    public void checkIdle(long nowNanos) {
        if (state != State.OPEN) {
            return;
        }
        if (activeSinceCheck) {
            activeSinceCheck = false;
            quietSinceNanos = nowNanos;
            return;
        }
        Duration timeout = relay.decider.limits().channelIdleTimeout();
        if (!timeout.isZero() && nowNanos - quietSinceNanos >= timeout.toNanos()) {
            closeWith(CloseCode.IDLE_TIMEOUT, "no data either way for " + timeout.toSeconds() + " s");
        }
    }

    // ---- closing ----------------------------------------------------------------------

    private void lifetimeExceeded(Duration maxLifetime) {
        try {
            closeWith(CloseCode.LIFETIME_EXCEEDED, "channel open longer than " + maxLifetime.toSeconds() + " s");
        } catch (OutOfDirectMemoryError exhausted) {
            session.allocationFailed(exhausted);
        }
    }

    @Override
    public void closeWith(CloseCode code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            session.sendClose(id, code, reason);
        } finally {
            abort(code, reason); // even when the CLOSE frame could not be allocated: the backend must not stay open
        }
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
        releaseUpstream();
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        if (downGrowth > 0) {
            session.downstreamWindowGrew(-downGrowth);
            downGrowth = 0;
        }
        if (holdsSlot) {
            holdsSlot = false;
            relay.limiter.releaseEverywhere(decision.address());
        }
        session.channelClosed(id);
        if (!neverOpened) {
            relay.metrics.channelsClosed.increment();
            relay.audit.channelClosed(correlationId(), session, target, decision, bytesUp, bytesDown,
                    (System.nanoTime() - createdNanos) / 1_000_000, code, reason);
        }
    }
}
