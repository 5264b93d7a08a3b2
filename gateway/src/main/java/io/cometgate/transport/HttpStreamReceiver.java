package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Receiver;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A streaming response that carries batches as text (base64), or raw when the transport and
 * the client allow binary bodies, until its byte budget is spent; then it ends and the client
 * reconnects with its ack. The subclasses differ only in the framing around each batch.
 */
abstract class HttpStreamReceiver implements Receiver {

    private final ReceiverLife life;
    final Channel channel;
    final Session session;
    private final int budget;
    private long written;

    HttpStreamReceiver(TransportKind kind, Channel channel, Session session) {
        this.life = new ReceiverLife(kind, session);
        this.channel = channel;
        this.session = session;
        this.budget = session.context().config().streamBudget();
    }

    abstract String contentType();

    /** What precedes the first batch (padding that makes browsers and proxies start delivering). */
    abstract ByteBuf prelude(Channel ch);

    /** What precedes one base64 batch in this transport's framing. */
    abstract byte[] head(long highestSeq);

    /** What follows one base64 batch in this transport's framing. */
    abstract byte[] tail();

    /**
     * Whether batches go out raw: frames delimit themselves by their length field, so a binary
     * stream is just the batches back to back (no base64, a third fewer bytes, no encode pass).
     */
    boolean binaryBodies() {
        return false;
    }

    /** Writes the response head and the prelude; called on the session's loop before attaching. */
    void start(HttpHeadersWriter cors) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store, no-transform")
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(head, true);
        cors.addTo(head.headers());
        channel.write(head);
        ByteBuf prelude = prelude(channel);
        if (prelude.isReadable()) {
            channel.writeAndFlush(new DefaultHttpContent(prelude));
        } else {
            prelude.release(); // an empty chunk would read as the end of the body
            channel.flush();
        }
        life.attached();
    }

    @Override
    public boolean deliver(ByteBuf batch, long highestSeq) {
        ByteBuf framed = binaryBodies() ? batch : Base64Batches.encode(batch, head(highestSeq), tail());
        written += framed.readableBytes();
        channel.writeAndFlush(new DefaultHttpContent(framed));
        if (written >= budget) {
            finish();
            return false;
        }
        return true;
    }

    /**
     * A binary stream's batch is one chunk, not a WebSocket message, so --max-message does not
     * bound it: it gathers up to a grown window, as a poll answer does. At 128 KiB per batch the
     * stream paid eight chunk writes per MiB, each a hand-off to the connection's own event loop
     * (the session lives on the loop of the connection that created it) and a system call, and
     * binary xhr-streaming ran below binary xhr-polling, which answers up to a window at once.
     * Its client cuts the bytes at frame ends, so the ACK at a batch's front is read as soon as it
     * arrives. A text batch is read only once its line, event or script is whole, so on a slow
     * link a larger one would delay its ACK past the client's liveness deadlines (htmlfile: 2 s):
     * text keeps --max-message. Past --max-message a batch takes no more than the budget has left,
     * so a stream still ends within one --max-message of its budget.
     */
    @Override
    public int maxBatchBytes(int configured) {
        if (!binaryBodies()) {
            return configured;
        }
        long left = budget - written;
        return (int) Math.max(configured, Math.min(session.context().config().maxWindow(), left));
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
        finish();
    }

    @Override
    public void abort() {
        life.end();
        channel.close();
    }

    private void finish() {
        if (life.end()) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    /** The connection went away under the stream. */
    void connectionClosed() {
        life.end();
        session.detach(this);
    }

    static ByteBuf ascii(Channel ch, String text) {
        return ByteBufUtil.writeAscii(ch.alloc(), text);
    }
}
