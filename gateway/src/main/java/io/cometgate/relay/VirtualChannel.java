package io.cometgate.relay;

import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.clientaddr.WebIrcLine;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One virtual socket: a channel of a session relayed to one backend TCP connection, with a
 * credit window each way. Downstream, the backend is read only while the client has granted
 * credit and the session's retransmit buffer has room; upstream, credit goes back to the
 * client as the backend accepts bytes. Runs entirely on its session's event loop.
 */
public final class VirtualChannel {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualChannel.class);

    private enum State { DECIDING, CONNECTING, OPEN, CLOSED }

    private final Session session;
    private final int id;
    private final String target;
    private final GatewayMetrics metrics;
    private final int maxFrame;
    private State state = State.DECIDING;
    private Decision decision;
    private Channel backend;
    private long downCredit;
    /** Bytes read from the backend beyond the client's credit: at most one read. */
    private ByteBuf heldDown;
    private boolean backendEof;
    private long upGranted;
    private long upReceived;
    /** Client data that arrived before the backend connected: bounded by the initial window. */
    private final ArrayDeque<ByteBuf> heldUp = new ArrayDeque<>(2);
    private long creditToReturn;
    private boolean creditFlushScheduled;
    private final long creditThreshold;
    private long bytesUp;
    private long bytesDown;
    private final long createdNanos = System.nanoTime();
    private ScheduledFuture<?> lifetime;
    private WebIrcLine webirc;
    private boolean holdsTargetSlot;

    public VirtualChannel(Session session, int id, String target) {
        this.session = session;
        this.id = id;
        this.target = target;
        this.metrics = session.context().metrics();
        this.maxFrame = session.context().config().maxFramePayload();
        this.downCredit = session.context().config().channelWindow();
        this.upGranted = session.context().config().channelWindow();
        this.creditThreshold = Math.max(1, session.context().config().channelWindow() / 8);
    }

    public int id() {
        return id;
    }

    /** What the page asked for (an alias or host:port). */
    public String target() {
        return target;
    }

    /** The address the backend is connected to, or {@code null} before the policy allowed it. */
    public InetSocketAddress address() {
        return decision == null || !decision.allowed() ? null : decision.address();
    }

    // ---- opening ----------------------------------------------------------------------

    public void open(String token) {
        metrics.opensRequested.increment();
        int perMinute = session.context().decider().limits().opensPerIpPerMinute();
        if (!session.context().limiter().tryOpen(session.clientAddress(), perMinute)) {
            metrics.opensDenied("limit: opens per minute");
            closeWith(CloseCode.LIMIT_EXCEEDED, "limit reached: " + perMinute + " channel opens per minute from this address");
            return;
        }
        ConnectRequest request = new ConnectRequest(target, session.origin(), session.clientAddress(), token,
                session.clientSubject());
        session.context().decider().decide(request, session.loop()).addListener((Future<Decision> f) -> {
            Decision d = f.isSuccess() ? f.getNow()
                    : Decision.deny(Decision.Verdict.DENY, "policy engine error: " + f.cause(), null);
            session.context().audit().decision(request, d);
            onDecision(d);
        });
    }

    private void onDecision(Decision d) {
        if (state == State.CLOSED) {
            return;
        }
        decision = d;
        if (!d.allowed()) {
            metrics.opensDenied(d.verdict().name().toLowerCase() + ": " + d.reason());
            CloseCode code = switch (d.verdict()) {
                case DNS_FAILURE -> CloseCode.DNS_FAILURE;
                case LIMIT -> CloseCode.LIMIT_EXCEEDED;
                default -> CloseCode.POLICY_DENIED;
            };
            closeWith(code, d.reason());
            return;
        }
        int perTarget = session.context().decider().limits().maxConnectionsPerTarget();
        if (!session.context().limiter().tryConnect(d.address(), perTarget)) {
            metrics.opensDenied("limit: connections per target");
            closeWith(CloseCode.LIMIT_EXCEEDED, "limit reached: " + perTarget + " connections to " + d.address());
            return;
        }
        holdsTargetSlot = true;
        state = State.CONNECTING;
        session.context().connector().extras(d, session.loop()).addListener((Future<BackendExtras.Loaded> f) -> {
            if (state == State.CLOSED) {
                return;
            }
            if (!f.isSuccess()) {
                closeWith(d.options().tls() ? CloseCode.BACKEND_TLS : CloseCode.BACKEND_ERROR,
                        "cannot prepare the backend connection: " + f.cause().getMessage());
                return;
            }
            connect(d, f.getNow());
        });
    }

    private void connect(Decision d, BackendExtras.Loaded extras) {
        long started = System.nanoTime();
        BackendConnector connector = session.context().connector();
        ChannelFuture connect = connector.connect(session.loop(), d, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connector.addTransportHandlers(ch, d, extras, new InetSocketAddress(session.clientAddress(), 0));
                long idle = session.context().decider().limits().channelIdleTimeout().toMillis();
                if (idle > 0) {
                    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                }
                ch.pipeline().addLast("relay", new BackendHandler(VirtualChannel.this));
            }
        });
        backend = connect.channel();
        webirc = extras.webirc();
        connector.whenReady(connect).addListener((Future<Channel> f) -> onConnected(f, started));
    }

    private void onConnected(Future<Channel> f, long startedNanos) {
        if (state == State.CLOSED) {
            backend.close();
            return;
        }
        if (!f.isSuccess()) {
            metrics.connectFailures.increment();
            Throwable cause = f.cause();
            CloseCode code = cause instanceof ConnectTimeoutException ? CloseCode.CONNECT_TIMEOUT
                    : cause instanceof ConnectException ? CloseCode.CONNECT_REFUSED
                    : cause instanceof SSLException || cause.getCause() instanceof SSLException ? CloseCode.BACKEND_TLS
                    : CloseCode.BACKEND_ERROR;
            closeWith(code, code.label() + ": " + decision.address() + " (" + cause.getMessage() + ")");
            return;
        }
        state = State.OPEN;
        metrics.connectLatency.record(System.nanoTime() - startedNanos);
        metrics.channelsOpened.increment();
        InetSocketAddress remote = decision.address();
        session.sendOpened(id, "{\"remoteAddress\":\"" + remote.getAddress().getHostAddress() + "\",\"remotePort\":"
                + remote.getPort() + ",\"window\":" + session.context().config().channelWindow() + "}");
        long life = session.context().decider().limits().channelMaxLifetime().toMillis();
        if (life > 0) {
            lifetime = session.loop().schedule(() -> closeWith(CloseCode.LIFETIME_EXCEEDED,
                    "channel open longer than " + life / 1000 + " s"), life, TimeUnit.MILLISECONDS);
        }
        if (webirc != null) {
            // WEBIRC must be the first line the IRC server sees; it is not the client's data, so no credit.
            backend.writeAndFlush(Unpooled.copiedBuffer(webirc.line(session.clientAddress()), StandardCharsets.US_ASCII));
        }
        while (!heldUp.isEmpty()) {
            writeToBackend(heldUp.poll());
        }
        resumeReading();
    }

    // ---- client -> backend ------------------------------------------------------------

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
     * small request/response exchange costs no extra frame.
     */
    private void returnCredit(int n) {
        creditToReturn += n;
        if (creditToReturn >= creditThreshold && !creditFlushScheduled) {
            creditFlushScheduled = true;
            session.loop().execute(() -> {
                creditFlushScheduled = false;
                if (state != State.CLOSED && creditToReturn > 0) {
                    upGranted += creditToReturn;
                    session.sendCredit(id, creditToReturn);
                }
                creditToReturn = 0;
            });
        }
    }

    public void closeFromClient(int code) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        if (wasOpen && backend.isActive()) {
            // Everything the client sent is written first, then the backend sees EOF.
            backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (backend instanceof SocketChannel socket && f.isSuccess()) {
                    socket.shutdownOutput().addListener(done -> backend.close());
                } else {
                    backend.close();
                }
            });
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

    public void grantDownstream(long bytes) {
        if (state == State.CLOSED) {
            return;
        }
        downCredit += bytes;
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

    /** Asks the backend for one more read if the client can take it. */
    public void resumeReading() {
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
            closeWith(cause instanceof SSLException || cause.getCause() instanceof SSLException
                    ? CloseCode.BACKEND_TLS : CloseCode.BACKEND_ERROR, cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }

    void idle() {
        closeWith(CloseCode.IDLE_TIMEOUT, "no data either way for "
                + session.context().decider().limits().channelIdleTimeout().toSeconds() + " s");
    }

    // ---- closing ----------------------------------------------------------------------

    /** The gateway ends the channel and tells the client why. */
    public void closeWith(CloseCode code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean neverOpened = state != State.OPEN;
        state = State.CLOSED;
        session.sendClose(id, code, reason);
        if (backend != null) {
            backend.close();
        }
        finish(code, reason, neverOpened);
    }

    /** The session is ending: close without a CLOSE frame (SESSION_CLOSE covers it). */
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
        while (!heldUp.isEmpty()) {
            heldUp.poll().release();
        }
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        if (holdsTargetSlot) {
            holdsTargetSlot = false;
            session.context().limiter().release(decision.address());
        }
        session.channelClosed(this);
        if (!neverOpened) {
            metrics.channelsClosed.increment();
            session.context().audit().channelClosed(session, target, decision, bytesUp, bytesDown,
                    (System.nanoTime() - createdNanos) / 1_000_000, code, reason);
        }
    }
}
