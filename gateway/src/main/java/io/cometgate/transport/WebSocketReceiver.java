package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.http.DirectMemoryExhaustion;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.session.Receiver;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code websocket}: both directions of a session over one RFC 6455 connection, one batch of
 * frames per binary message (put together here when it arrives fragmented). Sits last in the
 * pipeline after the handshake, right behind the frame codec.
 */
final class WebSocketReceiver extends ChannelInboundHandlerAdapter implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketReceiver.class);

    private final Channel channel;
    private final Session session;
    private static final long LINGER_MILLIS = 2_000;

    private final ReceiverLife life;
    private final LongAdder directMemoryExhausted;
    /** A close frame went out: everything the client still sends is discarded. */
    private boolean closing;
    /** A fragmented binary message being put together, or {@code null} (almost always). */
    private WebSocketFragments fragments;
    /**
     * The largest message the client said it reads ({@code maxBatch}), or {@link BatchLimit#NOT_ASKED}.
     * Every idle WebSocket session keeps one receiver, so the field costs S1 its bytes: the
     * frame payload limit it replaced is read from the shared config instead.
     */
    private final int batchLimit;

    WebSocketReceiver(Channel channel, Session session, LongAdder directMemoryExhausted, int batchLimit) {
        this.channel = channel;
        this.batchLimit = batchLimit;
        this.directMemoryExhausted = directMemoryExhausted;
        this.session = session;
        this.life = new ReceiverLife(TransportKind.WEBSOCKET, session);
    }

    /** Called on the session's loop once the handshake is done. */
    void start() {
        life.attached();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            } else if (msg instanceof BinaryWebSocketFrame binary && binary.isFinalFragment()) {
                receiveBatch(binary.content());
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                receiveFragment((WebSocketFrame) msg);
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                closeWebSocket(WebSocketCloseStatus.NORMAL_CLOSURE, "bye");
            } else if (msg instanceof WebSocketFrame && !(msg instanceof PongWebSocketFrame)) {
                closeWebSocket(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary messages only");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A part of a fragmented binary message (the decoder guarantees a binary first frame, then
     * continuations); the whole is one batch, within the same size limit as a single frame.
     */
    private void receiveFragment(WebSocketFrame part) {
        if (fragments == null) {
            fragments = new WebSocketFragments(channel.alloc(), session.context().config().maxMessageBytes());
        }
        if (!fragments.add(part.content())) {
            dropFragments();
            closeWebSocket(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + session.context().config().maxMessageBytes() + " bytes");
            return;
        }
        if (part.isFinalFragment()) {
            try {
                receiveBatch(fragments.message());
            } finally {
                dropFragments();
            }
        }
    }

    private void dropFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    private void receiveBatch(ByteBuf content) {
        List<Frame> frames;
        try {
            frames = FrameCodec.decodeBatch(content, session.context().config().maxFramePayload());
        } catch (ProtocolException e) {
            closeWebSocket(WebSocketCloseStatus.PROTOCOL_ERROR, e.getMessage());
            session.loop().execute(() -> session.close(CloseCode.PROTOCOL_ERROR, e.getMessage()));
            return;
        }
        if (session.loop().inEventLoop()) {
            session.receive(frames);
        } else {
            session.loop().execute(() -> session.receive(frames));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.loop().execute(session::receiverWritable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropFragments();
        if (session.loop().isShuttingDown()) {
            return; // the gateway is stopping: the session goes with its loop
        }
        session.loop().execute(() -> {
            markEnded();
            session.detach(this);
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (DirectMemoryExhaustion.closeIfExhausted(ctx, cause, directMemoryExhausted)) {
            return; // the session survives: the client resumes on a new connection
        } else if (cause instanceof TooLongFrameException) {
            closeWebSocket(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + session.context().config().maxMessageBytes() + " bytes");
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            closeWebSocket(corrupted.closeStatus(), corrupted.getMessage() == null ? "protocol error" : corrupted.getMessage());
        } else {
            LOG.debug("websocket error: {}", cause.toString());
            ctx.close();
        }
    }

    @Override
    public boolean deliver(ByteBuf batch, long highestSeq) {
        channel.writeAndFlush(new BinaryWebSocketFrame(batch), channel.voidPromise());
        return true;
    }

    @Override
    public int maxBatchBytes(int configured) {
        return batchLimit == BatchLimit.NOT_ASKED ? configured : batchLimit;
    }

    @Override
    public int batchLimit() {
        return batchLimit == BatchLimit.NOT_ASKED ? Integer.MAX_VALUE : batchLimit;
    }

    @Override
    public boolean isWritable() {
        return !life.isEnded() && channel.isWritable();
    }

    @Override
    public boolean greetsWithHello() {
        return true;
    }

    @Override
    public boolean wantsIdleHeartbeats() {
        return true;
    }

    @Override
    public boolean takesLoneAck() {
        return true;
    }

    @Override
    public void end(boolean replaced) {
        markEnded();
        if (replaced) {
            closeWebSocket(new WebSocketCloseStatus(CloseCode.SESSION_REPLACED.code(), "replaced"), "a newer transport took over");
        } else {
            closeWebSocket(WebSocketCloseStatus.NORMAL_CLOSURE, "session closed");
        }
    }

    @Override
    public void abort() {
        markEnded();
        channel.close();
    }

    private void markEnded() {
        life.end();
    }

    /**
     * Sends the close frame, then half-closes and keeps discarding input for a moment before
     * closing. Closing at once while the client is still sending (the rest of an oversized
     * message, say) would answer with a TCP reset, and a reset destroys the close frame in
     * flight: the client would never learn why.
     */
    private void closeWebSocket(WebSocketCloseStatus status, String reason) {
        if (closing || !channel.isActive()) {
            return;
        }
        closing = true;
        channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && channel instanceof DuplexChannel socket) {
                socket.shutdownOutput();
                channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
    }
}
