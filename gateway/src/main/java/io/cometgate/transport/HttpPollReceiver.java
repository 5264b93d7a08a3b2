package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.Receiver;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.util.concurrent.TimeUnit;

/**
 * One long-poll: held until the session has sequenced frames for it, or until the poll
 * timeout (then answered with a HEARTBEAT), and answered exactly once. Frames stay in the
 * session's retransmit buffer until the next poll's {@code ack} confirms them.
 */
abstract class HttpPollReceiver implements Receiver {

    private final ReceiverLife life;
    final Channel channel;
    final Session session;
    private final boolean keepAlive;
    private final HttpHeadersWriter extraHeaders;
    private ScheduledFuture<?> holdTimer;

    HttpPollReceiver(TransportKind kind, Channel channel, Session session, boolean keepAlive, HttpHeadersWriter extraHeaders) {
        this.life = new ReceiverLife(kind, session);
        this.channel = channel;
        this.session = session;
        this.keepAlive = keepAlive;
        this.extraHeaders = extraHeaders;
    }

    abstract String contentType();

    /** Wraps the base64 batch in this transport's body. */
    abstract ByteBuf body(Channel ch, ByteBuf base64);

    /** Whether the answer is the raw batch (the client asked for binary bodies). */
    boolean binaryBodies() {
        return false;
    }

    /** Called on the session's loop before attaching. */
    void start() {
        life.attached();
        long hold = session.context().config().pollTimeout().toMillis();
        holdTimer = session.loop().schedule(this::timedOut, hold, TimeUnit.MILLISECONDS);
    }

    private void timedOut() {
        if (!life.isEnded()) {
            session.detach(this);
            try {
                answerWithHeartbeat();
            } catch (OutOfDirectMemoryError exhausted) { // a timer's failure would only be logged, the poll left hanging
                session.allocationFailed(exhausted);
                abort();
            }
        }
    }

    @Override
    public boolean deliver(ByteBuf batch, long highestSeq) {
        answer(batch);
        return false;
    }

    @Override
    public boolean isWritable() {
        return !life.isEnded() && channel.isActive();
    }

    /**
     * A poll answer carries up to a grown window (--max-window), not one WebSocket message's
     * worth: every answer costs the client a round trip, and at 128 KiB per answer binary
     * xhr-polling ran at about half of WebSocket's bulk speed. The frames are kept for
     * retransmission anyway: a larger answer holds no more of them (a base64 body is an
     * encoded copy, a third larger, while it is written).
     */
    @Override
    public int maxBatchBytes(int configured) {
        return Math.max(configured, session.context().config().maxWindow());
    }

    /** The client has its HELLO from the create answer; a poll carries frames, not greetings. */
    @Override
    public boolean greetsWithHello() {
        return false;
    }

    /** A held poll is answered with a HEARTBEAT by its own hold timer. */
    @Override
    public boolean wantsIdleHeartbeats() {
        return false;
    }

    /** A poll answers once: spending it on an ACK alone would cost a round trip; POST answers carry acks. */
    @Override
    public boolean takesLoneAck() {
        return false;
    }

    @Override
    public void end(boolean replaced) {
        answerWithHeartbeat();
    }

    @Override
    public void abort() {
        if (life.end() && holdTimer != null) {
            holdTimer.cancel(false);
        }
        channel.close();
    }

    private void answerWithHeartbeat() {
        answer(FrameCodec.encodeSmall(channel.alloc(), FrameType.HEARTBEAT, 0, 0, new byte[0]));
    }

    private void answer(ByteBuf batch) {
        if (!life.end()) {
            batch.release(); // answered already: a poll answers once
            return;
        }
        if (holdTimer != null) {
            holdTimer.cancel(false);
        }
        ByteBuf body = binaryBodies() ? batch : body(channel, Base64Batches.encode(batch));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        extraHeaders.addTo(response.headers());
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = channel.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The connection went away before the poll was answered. */
    void connectionClosed() {
        if (life.end() && holdTimer != null) {
            holdTimer.cancel(false);
        }
        session.detach(this);
    }
}
