package io.cometgate.websockify;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.DirectOpen;
import io.cometgate.session.GatewayContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Last handler of a websockify-compatible WebSocket: relays its messages to one backend TCP
 * connection and back. The browser side is read only while the backend can take more, the
 * backend only while the browser can (autoRead off on both, a read asked for on writability),
 * so neither side ever buffers more than a write-buffer high-water mark plus one read.
 * Both channels share the WebSocket's event loop: no locks.
 */
final class RawRelay extends ChannelInboundHandlerAdapter implements DirectOpen.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(RawRelay.class);
    static final String BACKEND_IDLE = "idle";
    static final String BACKEND_RELAY = "websockify-backend";
    private static final long LINGER_MILLIS = 2_000;
    /** The audit's target for a connection refused before a target was known. */
    static final String UNRESOLVED = "(websockify: no target)";

    private enum State { STARTING, OPENING, OPEN, CLOSED }

    private final GatewayContext context;
    private final WebsockifyMetrics metrics;
    private final ConnectionCounts counts;
    /** This connection is one of {@link #counts}: released once, in finish(). */
    private boolean counted;
    private final Connection connection;
    private final MessageCodec codec;
    private final long createdNanos = System.nanoTime();
    /** Messages decoded with the handshake's last read, before the backend is there; no more are read. */
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
    private State state = State.STARTING;
    private Channel front;
    private Channel backend;
    private DirectOpen open;
    private String target = UNRESOLVED;
    private ScheduledFuture<?> lifetime;
    private long bytesUp;
    private long bytesDown;

    /**
     * What the handshake learned about the connection.
     *
     * @param lookup the target lookup's outcome (a host:port, or why not)
     */
    record Connection(InetAddress client, String origin, Targets.Lookup lookup, Subprotocol subprotocol) {
    }

    RawRelay(GatewayContext context, WebsockifyMetrics metrics, ConnectionCounts counts, Connection connection) {
        this.context = context;
        this.counts = counts;
        this.metrics = metrics;
        this.connection = connection;
        this.codec = new MessageCodec(connection.subprotocol());
    }

    /** Called on the WebSocket's loop once the handshake response is written. */
    void start(Channel channel) {
        if (connection.lookup().refusal() != null) {
            refuse(WebSocketCloseStatus.POLICY_VIOLATION.code(), connection.lookup().refusal(), channel);
            return;
        }
        accepted(channel);
        String overLimit = counts.tryAcquire(connection.client(), context.decider().limits());
        if (overLimit != null) {
            context.metrics().opensDenied("limit: websockify connections");
            end(CloseCode.LIMIT_EXCEEDED.code(), overLimit);
            return;
        }
        counted = true;
        target = connection.lookup().hostPort();
        state = State.OPENING;
        open = new DirectOpen(context, front.eventLoop(),
                new ConnectRequest(target, connection.origin(), connection.client(), null), this);
        open.start();
    }

    /**
     * Ends a connection refused before any target was asked for (no usable subprotocol, an
     * unknown token): audited as a refused decision, then closed with {@code code}.
     */
    void refuse(int code, String reason, Channel channel) {
        accepted(channel);
        context.audit().decision(new ConnectRequest(UNRESOLVED, connection.origin(), connection.client(), null),
                Decision.deny(Decision.Verdict.DENY, reason, null));
        context.metrics().opensDenied("websockify: " + (code == WebSocketCloseStatus.PROTOCOL_ERROR.code()
                ? "no supported subprotocol" : "no target for the token"));
        end(code, reason);
    }

    private void accepted(Channel channel) {
        front = channel;
        metrics.accepted(connection.subprotocol());
        metrics.open.increment();
    }

    // ---- DirectOpen.Listener ---------------------------------------------------------------

    @Override
    public void initBackend(SocketChannel ch) {
        long idle = context.decider().limits().channelIdleTimeout().toMillis();
        if (idle > 0) {
            ch.pipeline().addLast(BACKEND_IDLE, new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast(BACKEND_RELAY, new RawBackendHandler(this));
    }

    @Override
    public void opened(Channel backendChannel, Decision decision) {
        if (state != State.OPENING) {
            backendChannel.close();
            return;
        }
        backend = backendChannel;
        state = State.OPEN;
        long life = context.decider().limits().channelMaxLifetime().toMillis();
        if (life > 0) {
            lifetime = front.eventLoop().schedule(() -> end(CloseCode.LIFETIME_EXCEEDED.code(),
                    "connection open longer than " + life / 1000 + " s"), life, TimeUnit.MILLISECONDS);
        }
        while (!early.isEmpty()) {
            toBackend(early.poll());
        }
        front.read();
        backend.read();
    }

    @Override
    public void refused(CloseCode code, String reason) {
        end(code.code(), reason);
    }

    // ---- browser -> backend -------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.CLOSED) {
                return;
            }
            if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                closedByClient(close.statusCode());
            } else if (msg instanceof WebSocketFrame frame && !(msg instanceof PongWebSocketFrame)) {
                fromClient(frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void fromClient(WebSocketFrame frame) {
        ByteBuf bytes;
        try {
            bytes = codec.decode(frame);
        } catch (IllegalArgumentException e) {
            end(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), e.getMessage());
            return;
        }
        if (state == State.OPEN) {
            toBackend(bytes);
        } else {
            early.add(bytes);
        }
    }

    private void toBackend(ByteBuf bytes) {
        int n = bytes.readableBytes();
        bytesUp += n;
        metrics.bytesUp.add(n);
        context.metrics().bytesUp.add(n);
        backend.writeAndFlush(bytes, backend.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.OPEN && backend.isWritable()) {
            ctx.read();
        }
    }

    /** The backend drained below its low-water mark: read the browser again. */
    void backendWritable() {
        if (state == State.OPEN && backend.isWritable()) {
            front.read();
        }
    }

    // ---- backend -> browser -------------------------------------------------------------

    void fromBackend(ByteBuf data) {
        if (state != State.OPEN) {
            data.release();
            return;
        }
        int n = data.readableBytes();
        bytesDown += n;
        metrics.bytesDown.add(n);
        context.metrics().bytesDown.add(n);
        front.writeAndFlush(codec.encode(data), front.voidPromise());
    }

    void backendReadComplete() {
        if (state == State.OPEN && front.isWritable()) {
            backend.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (state == State.OPEN && ctx.channel().isWritable()) {
            backend.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    void backendClosed() {
        end(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "the backend closed the connection");
    }

    void backendIdle() {
        end(CloseCode.IDLE_TIMEOUT.code(), "no data either way for "
                + context.decider().limits().channelIdleTimeout().toSeconds() + " s");
    }

    void backendFailed(Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("websockify backend I/O error: {}", cause.toString());
        } else {
            LOG.warn("websockify backend failure", cause);
        }
        boolean tls = cause instanceof SSLException || cause.getCause() instanceof SSLException;
        end((tls ? CloseCode.BACKEND_TLS : CloseCode.BACKEND_ERROR).code(),
                cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    // ---- the end ------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            end(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                    "message over " + context.config().maxMessageBytes() + " bytes");
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            end(corrupted.closeStatus().code(), corrupted.getMessage() == null ? "protocol error" : corrupted.getMessage());
        } else {
            LOG.debug("websockify connection error: {}", cause.toString());
            finish(WebSocketCloseStatus.ABNORMAL_CLOSURE.code(), "connection error: " + cause);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(WebSocketCloseStatus.ABNORMAL_CLOSURE.code(), "the client went away without a close frame");
        ctx.fireChannelInactive();
    }

    /**
     * The client said goodbye: everything it sent goes to the backend first, then the backend
     * sees EOF; the client's close is answered with the same code.
     */
    private void closedByClient(int code) {
        if (backend != null && backend.isActive()) {
            Channel b = backend;
            b.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (b instanceof SocketChannel socket && f.isSuccess()) {
                    socket.shutdownOutput().addListener(done -> b.close());
                } else {
                    b.close();
                }
            });
            backend = null; // not closed at once by finish(): it half-closes after the last write
        }
        int answer = code < 0 ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : code;
        finish(answer, "closed by the client (code " + (code < 0 ? "none" : code) + ")");
        front.writeAndFlush(new CloseWebSocketFrame(answer, "")).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The gateway ends the connection and tells the client why: the close frame, then a
     * half-close, input discarded for a moment, then the close (closing at once while the
     * client still sends would reset the connection and lose the close frame in flight).
     */
    void end(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        finish(code, reason);
        if (!front.isActive()) {
            return;
        }
        front.writeAndFlush(new CloseWebSocketFrame(code, CloseReasons.fit(reason))).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && front instanceof SocketChannel socket) {
                socket.shutdownOutput();
                front.eventLoop().schedule(() -> front.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                front.close();
            }
        });
        front.read(); // keep reading (and discarding) so the client's close frame is consumed
    }

    /** The one place a connection's resources go: backend, target slot, held data, audit, metrics. */
    private void finish(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        if (backend != null) {
            backend.close();
        }
        if (open != null) {
            open.release();
        }
        while (!early.isEmpty()) {
            early.poll().release();
        }
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        if (counted) {
            counted = false;
            counts.release(connection.client());
        }
        metrics.open.decrement();
        metrics.closed(code);
        if (wasOpen) {
            context.metrics().channelsClosed.increment();
        }
        Decision decision = open == null ? null : open.decision();
        context.audit().connectionClosed(connection.client(), connection.origin(), target,
                decision == null || !decision.allowed() ? null : decision.address(), bytesUp, bytesDown,
                (System.nanoTime() - createdNanos) / 1_000_000, code, reason);
    }
}
