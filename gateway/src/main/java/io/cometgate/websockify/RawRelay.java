package io.cometgate.websockify;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.CorrelationIds;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.ChannelAudit;
import io.cometgate.session.ChannelOpener;
import io.cometgate.session.ChannelOwner;
import io.cometgate.session.OutOfBufferMemory;
import io.cometgate.session.SessionChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.OutOfDirectMemoryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Last handler of a websockify-compatible WebSocket: the WebSocket is the owner of exactly one
 * relay channel (the same {@link SessionChannel} a protocol session opens: policy decision,
 * audit, limits, PROXY/WEBIRC/TLS, connect, credit), and translates between its messages and
 * that channel. Flow control is the channel's credit both ways: the browser side is read only
 * while the bytes handed to the channel and not yet accepted by the backend stay under half
 * the window (a message is at most the other half), and downstream credit goes back to the
 * channel as the browser's socket takes each message; backends are not read while the
 * WebSocket is not writable. Everything runs on the WebSocket's event loop.
 */
final class RawRelay extends ChannelInboundHandlerAdapter implements ChannelOwner {

    private static final Logger LOG = LoggerFactory.getLogger(RawRelay.class);
    /** The one channel of this owner. */
    static final int CHANNEL_ID = 1;
    private static final long LINGER_MILLIS = 2_000;
    /** How often the open channel is asked whether it is idle: the resolution a session's tick has too. */
    private static final long IDLE_CHECK_MILLIS = 1_000;
    /** The audit's target for a connection refused before a target was known. */
    static final String UNRESOLVED = "(websockify: no target)";

    private enum State { STARTING, OPENING, OPEN, CLOSED }

    /**
     * What the handshake learned about the connection.
     *
     * @param lookup the target lookup's outcome (a host:port, or why not)
     */
    record Connection(InetAddress client, String origin, Targets.Lookup lookup, Subprotocol subprotocol) {
    }

    /** What every connection of one endpoint shares. */
    record Shared(ChannelOpener opener, ChannelAudit audit, io.cometgate.http.GatewayContext context,
                  WebsockifyMetrics metrics, ConnectionCounts counts, int maxMessage) {
    }

    private final Shared shared;
    private final Connection connection;
    private final MessageCodec codec;
    private final long upHighWater;
    private State state = State.STARTING;
    private Channel front;
    private SessionChannel channel;
    private boolean counted;
    /** Bytes handed to the channel that the backend has not accepted yet (credit not back). */
    private long upOutstanding;
    private long downGrantPending;
    private boolean downGrantScheduled;
    private ScheduledFuture<?> idleChecks;

    RawRelay(Shared shared, Connection connection) {
        this.shared = shared;
        this.connection = connection;
        this.codec = new MessageCodec(connection.subprotocol());
        this.upHighWater = shared.context().config().channelWindow() - shared.maxMessage();
    }

    /** Called on the WebSocket's loop once the handshake response is written. */
    void start(Channel ws) {
        if (connection.lookup().refusal() != null) {
            refuse(WebSocketCloseStatus.POLICY_VIOLATION.code(), connection.lookup().refusal(), ws);
            return;
        }
        accepted(ws);
        String overLimit = shared.counts().tryAcquire(connection.client(), shared.context().decider().limits());
        if (overLimit != null) {
            audit(overLimit, connection.lookup().hostPort());
            shared.context().metrics().opensDenied("limit: websockify connections");
            end(CloseCode.LIMIT_EXCEEDED.code(), overLimit);
            return;
        }
        counted = true;
        state = State.OPENING;
        channel = shared.opener().create(this, CHANNEL_ID, connection.lookup().hostPort());
        channel.open(null);
    }

    /**
     * Ends a connection refused before any target was asked for (no usable subprotocol, no or
     * an unknown token): audited as a refused decision, then closed with {@code code}.
     */
    void refuse(int code, String reason, Channel ws) {
        accepted(ws);
        audit(reason, UNRESOLVED);
        shared.context().metrics().opensDenied("websockify: " + (code == WebSocketCloseStatus.PROTOCOL_ERROR.code()
                ? "no supported subprotocol" : "no target for the token"));
        end(code, reason);
    }

    private void audit(String reason, String target) {
        shared.audit().decision(CorrelationIds.next(), new ConnectRequest(target, connection.origin(), connection.client(), null),
                Decision.deny(Decision.Verdict.DENY, reason, null));
    }

    private void accepted(Channel ws) {
        front = ws;
        shared.metrics().accepted(connection.subprotocol());
        shared.metrics().open.increment();
    }

    // ---- ChannelOwner: what the relay channel asks of this WebSocket ----------------------

    @Override
    public EventLoop loop() {
        return front.eventLoop();
    }

    @Override
    public String origin() {
        return connection.origin();
    }

    @Override
    public InetAddress clientAddress() {
        return connection.client();
    }

    @Override
    public void sendOpened(int channelId, String json) {
        if (state == State.OPENING) {
            state = State.OPEN;
            idleChecks = front.eventLoop().scheduleAtFixedRate(this::checkIdle, IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
            readFront();
        }
    }

    /** The channel closes itself (4005) once idle for the policy's channel-idle-timeout. */
    private void checkIdle() {
        SessionChannel c = channel;
        if (c != null) {
            try {
                c.checkIdle(front.eventLoop().ticker().nanoTime());
            } catch (OutOfDirectMemoryError exhausted) { // thrown out of here, it would cancel this periodic task
                allocationFailed(exhausted);
            }
        }
    }

    /** At the direct-memory cap: this connection goes, counted and logged as on every other path. */
    @Override
    public void allocationFailed(OutOfDirectMemoryError exhausted) {
        shared.context().metrics().directMemoryExhausted();
        OutOfBufferMemory.report(front.remoteAddress(), exhausted);
        SessionChannel c = channel;
        if (c != null) {
            c.abort(CloseCode.BACKEND_ERROR, "the gateway is out of buffer memory");
        }
        finish(0);
        front.close();
    }

    @Override
    public void sendData(int channelId, ByteBuf payload) {
        if (state != State.OPEN) {
            payload.release();
            return;
        }
        int n = payload.readableBytes();
        shared.metrics().bytesDown.add(n);
        front.writeAndFlush(codec.encode(payload)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                grantLater(n);
            }
        });
    }

    /**
     * Downstream credit goes back once the browser's socket took the bytes, from a task of its
     * own: a write often completes inside sendData, and the channel must not be re-entered
     * while it hands out data.
     */
    private void grantLater(int n) {
        downGrantPending += n;
        if (!downGrantScheduled) {
            downGrantScheduled = true;
            front.eventLoop().execute(() -> {
                downGrantScheduled = false;
                long grant = downGrantPending;
                downGrantPending = 0;
                if (channel != null && state == State.OPEN) {
                    channel.grantDownstream(grant);
                }
            });
        }
    }

    @Override
    public void sendCredit(int channelId, long bytes) {
        upOutstanding -= bytes;
        readFront();
    }

    @Override
    public void sendClose(int channelId, CloseCode code, String reason) {
        // websockify ends with 1000 when the target closes; clients such as noVNC call anything else an error
        end(code == CloseCode.BACKEND_CLOSED ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : code.code(), reason);
    }

    @Override
    public boolean canReadBackends() {
        return state == State.OPEN && front.isWritable();
    }

    @Override
    public void channelClosed(int channelId) {
        channel = null;
        finish(0);
    }

    // ---- browser -> backend -------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.CLOSED || state == State.STARTING) {
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
            failFromClient(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), e.getMessage());
            return;
        }
        upOutstanding += bytes.readableBytes();
        shared.metrics().bytesUp.add(bytes.readableBytes());
        channel.fromClient(bytes); // held by the channel until the backend is there
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readFront();
    }

    /** One more read of the browser side, if the channel's credit has room for a whole message. */
    private void readFront() {
        if (state == State.OPEN && upOutstanding <= upHighWater) {
            front.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && channel != null) {
            channel.resumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    // ---- the end ------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException corrupt
                && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            // one reason whether the frame or the reassembled message was too long
            failFromClient(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message over " + shared.maxMessage() + " bytes");
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            failFromClient(corrupted.closeStatus().code(),
                    corrupted.getMessage() == null ? "protocol error" : corrupted.getMessage());
        } else if (OutOfBufferMemory.find(cause) != null) {
            allocationFailed(OutOfBufferMemory.find(cause));
        } else {
            LOG.debug("websockify connection error: {}", cause.toString());
            abortChannel("connection error: " + cause);
            finish(0);
            ctx.close();
        }
    }

    /** Bad input from the client: the channel ends (audited with the reason), the client gets {@code code}. */
    private void failFromClient(int code, String reason) {
        end(code, reason); // first: the channel's abort reports channelClosed, which would end us without a close frame
        abortChannel(reason);
    }

    private void abortChannel(String reason) {
        SessionChannel c = channel;
        if (c != null) {
            c.abort(CloseCode.PROTOCOL_ERROR, reason);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        SessionChannel c = channel;
        if (c != null) {
            c.abort(CloseCode.NORMAL, "the client went away without a close frame");
        }
        finish(0);
        ctx.fireChannelInactive();
    }

    /** The client said goodbye: the channel writes what it holds, then half-closes the backend. */
    private void closedByClient(int code) {
        int answer = code < 0 ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : code;
        finish(answer);
        SessionChannel c = channel;
        if (c != null) {
            c.closeFromClient(answer);
        }
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
        finish(code);
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

    /** This WebSocket's own bookkeeping, once; the channel audits and releases its own. */
    private void finish(int code) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (idleChecks != null) {
            idleChecks.cancel(false);
            idleChecks = null;
        }
        if (counted) {
            counted = false;
            shared.counts().release(connection.client());
        }
        shared.metrics().open.decrement();
        if (code != 0) {
            shared.metrics().closed(code);
        }
    }
}
