package io.cometgate.bench;

import io.cometgate.protocol.FrameCodec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP transports: {@code POST session} creates the session, a downstream request
 * (xhr-streaming, eventsource, htmlfile or xhr-polling) carries batches down, and {@code POST send}
 * carries them up, one POST at a time (what queues meanwhile goes in the next one).
 */
final class HttpCarrier implements GatewayConn.Carrier {

    private final GatewayConn conn;
    private final String prefix;
    private final String host;
    private final String transport;
    private final boolean keepAlive;
    private final HttpLink upLink;
    private final HttpLink downLink;
    private CompositeByteBuf pendingUp;
    private boolean posting;
    private boolean closing;
    private final boolean binary;
    private final DownEvents down;

    HttpCarrier(GatewayConn conn, InetAddress source) {
        this.conn = conn;
        URI base = conn.route.uri();
        this.prefix = base.getPath();
        this.host = base.getHost() + ":" + base.getPort();
        this.transport = conn.route.transport();
        this.keepAlive = conn.context.postKeepAlive;
        this.binary = conn.route.binary();
        this.down = binary ? new BinaryStream() : new DownStream();
        this.upLink = new HttpLink(conn.context, conn.loop(), source, conn.route.address());
        this.downLink = new HttpLink(conn.context, conn.loop(), source, conn.route.address());
    }

    @Override
    public void start() {
        conn.loop().execute(this::createSession);
    }

    private FullHttpRequest request(HttpMethod method, String path, ByteBuf body, boolean keep) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, prefix + path, body);
        req.headers().set(HttpHeaderNames.HOST, host);
        if (method == HttpMethod.POST) {
            req.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            if (conn.route.origin() != null) { // as a page's fetch() does; the forever-frame's GET is a navigation
                req.headers().set(HttpHeaderNames.ORIGIN, conn.route.origin());
            }
        }
        if (!keep) {
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return req;
    }

    private void createSession() {
        posting = true;
        upLink.request(request(HttpMethod.POST, "/session", Unpooled.EMPTY_BUFFER, keepAlive), new Body(json -> {
            posting = false;
            conn.hello(json.toString(StandardCharsets.UTF_8));
            attachDown();
            postNext();
        }));
    }

    private void attachDown() {
        if (closing) {
            return;
        }
        String path = "/" + transport + "?s=" + conn.sessionId() + "&ack=" + conn.ackForRequest() + (binary ? "&binary=1" : "");
        if (transport.equals("xhr-polling")) {
            downLink.request(request(HttpMethod.GET, path, Unpooled.EMPTY_BUFFER, true), new Body(body -> {
                ByteBuf batch = binary ? body.retain() : Base64Lines.decode(body, body.alloc());
                try {
                    conn.batch(batch);
                } finally {
                    batch.release();
                }
                attachDown();
            }));
        } else {
            resetDown();
            downLink.request(request(HttpMethod.GET, path, Unpooled.EMPTY_BUFFER, true), down);
        }
    }

    @Override
    public void sendUp(ByteBuf batch) {
        if (pendingUp == null) {
            pendingUp = Unpooled.compositeBuffer(64);
        }
        pendingUp.addComponent(true, batch);
        if (!posting && conn.sessionId() != null) {
            postNext();
        }
    }

    private void postNext() {
        if (pendingUp == null) {
            if (closing) {
                upLink.close();
                downLink.close();
            }
            return;
        }
        ByteBuf body = pendingUp;
        pendingUp = null;
        posting = true;
        upLink.request(request(HttpMethod.POST, "/send?s=" + conn.sessionId(), body, keepAlive && !closing), new Body(answer -> {
            posting = false;
            postNext();
        }));
    }

    @Override
    public String toString() {
        return transport + "(posting=" + posting + " closing=" + closing + " pendingUp=" + (pendingUp != null) + ")";
    }

    /** Drops what a stream held of an unfinished line or frame. */
    private void resetDown() {
        down.reset();
    }

    /** A downstream response, text or binary: a status other than 200 fails the connection. */
    private abstract class DownEvents implements HttpLink.Events {

        /** Drops what the stream held of an unfinished line or frame. */
        abstract void reset();

        @Override
        public void head(HttpResponse response) {
            int status = response.status().code();
            if (status != 200) {
                conn.fail("HTTP " + status + " on " + transport);
            }
        }
    }

    @Override
    public void shutdown() {
        closing = true;
        resetDown();
        if (!posting) {
            postNext();
        }
    }

    /** Collects a small response body; anything but 200 fails the session. */
    private final class Body implements HttpLink.Events {
        private final java.util.function.Consumer<ByteBuf> done;
        private final CompositeByteBuf body = Unpooled.compositeBuffer();
        private int status;

        Body(java.util.function.Consumer<ByteBuf> done) {
            this.done = done;
        }

        @Override
        public void head(HttpResponse response) {
            status = response.status().code();
        }

        @Override
        public void content(ByteBuf content) {
            body.addComponent(true, content.retain());
        }

        @Override
        public void end() {
            try {
                if (status != 200) {
                    conn.fail("HTTP " + status + " from the gateway: " + body.toString(StandardCharsets.UTF_8));
                } else {
                    done.accept(body);
                }
            } finally {
                body.release();
            }
        }

        @Override
        public void failed(String reason) {
            body.release();
            if (!closing) {
                conn.fail(reason);
            }
        }
    }

    /**
     * A streaming response: base64 batches one per line (xhr-streaming), in {@code data:} lines
     * (SSE), or in {@code <script>p("...")</script>} lines (htmlfile).
     */
    private final class DownStream extends DownEvents {
        private CompositeByteBuf partial;

        @Override
        void reset() {
            if (partial != null) {
                partial.release();
                partial = null;
            }
        }

        /**
         * Splits the stream into lines. Only the new bytes are scanned for the newline; a line
         * still incomplete is held as a composite of its pieces (rescanning it on every chunk
         * made parsing quadratic in the line length, and a line is a whole base64 batch; copying
         * it into a growing buffer cost the load tool a copy and regrowth per batch).
         */
        @Override
        public void content(ByteBuf content) {
            while (content.isReadable()) {
                int length = content.bytesBefore((byte) '\n');
                if (length < 0) {
                    if (partial == null) {
                        partial = content.alloc().compositeBuffer(1024);
                    }
                    partial.addComponent(true, content.retainedSlice()); // held, not copied
                    content.skipBytes(content.readableBytes());
                    return;
                }
                if (partial == null) {
                    line(content.slice(content.readerIndex(), length));
                    content.skipBytes(length + 1);
                } else {
                    partial.addComponent(true, content.retainedSlice(content.readerIndex(), length));
                    content.skipBytes(length + 1);
                    try {
                        line(partial);
                    } finally {
                        partial.release();
                        partial = null;
                    }
                }
            }
        }

        private void line(ByteBuf text) {
            if (!text.isReadable()) {
                return;
            }
            if (transport.equals("htmlfile")) {
                text = htmlFileBatch(text);
                if (text == null) {
                    return; // the prelude: the page's script and its padding
                }
            } else if (text.readableBytes() > 6 && text.getByte(text.readerIndex()) == 'd'
                    && text.toString(text.readerIndex(), 6, StandardCharsets.US_ASCII).equals("data: ")) {
                text = text.slice(text.readerIndex() + 6, text.readableBytes() - 6);
            } else if (transport.equals("eventsource") || text.getByte(text.readerIndex()) == ' ') {
                return; // SSE comments, ids, retry; xhr-streaming's padding
            }
            ByteBuf batch = Base64Lines.decode(text, text.alloc());
            try {
                conn.batch(batch);
            } finally {
                batch.release();
            }
        }

        @Override
        public void end() {
            reset();
            attachDown(); // the stream spent its budget: reconnect with our ack
        }

        @Override
        public void failed(String reason) {
            reset();
            if (!closing) {
                conn.fail(reason);
            }
        }
    }

    /**
     * A binary stream ({@code binary=1}): raw frames back to back, cut anywhere by chunking.
     * Whole frames are handed on as one batch as soon as they are complete; a frame's tail
     * waits in a composite (no copy) for the next chunk.
     */
    private final class BinaryStream extends DownEvents {
        private CompositeByteBuf pending;

        @Override
        void reset() {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        @Override
        public void content(ByteBuf content) {
            if (pending == null) {
                pending = content.alloc().compositeBuffer(1024);
            }
            pending.addComponent(true, content.retain());
            int whole = 0;
            int readable = pending.readableBytes();
            int start = pending.readerIndex();
            while (readable - whole >= FrameCodec.HEADER_BYTES) {
                long frame = FrameCodec.HEADER_BYTES + pending.getUnsignedInt(start + whole + 9);
                if (frame > FrameCodec.HEADER_BYTES + (1 << 20)) {
                    conn.fail("a " + frame + "-byte frame in the binary stream: over the 1 MiB the load tool accepts");
                    return;
                }
                if (whole + frame > readable) {
                    break;
                }
                whole += (int) frame;
            }
            if (whole > 0) {
                conn.batch(pending.readSlice(whole));
            }
            if (pending != null && !pending.isReadable()) {
                reset(); // nothing held between chunks in the common case
            } else if (pending != null) {
                pending.discardReadComponents();
            }
        }

        @Override
        public void end() {
            reset();
            attachDown();
        }

        @Override
        public void failed(String reason) {
            reset();
            if (!closing) {
                conn.fail(reason);
            }
        }
    }

    private static final byte[] SCRIPT_OPEN = "<script>p(\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCRIPT_CLOSE = "\")</script>".getBytes(StandardCharsets.US_ASCII);

    /**
     * The base64 batch of one htmlfile line, {@code <script>p("BASE64")</script>} (the gateway's
     * HtmlFileReceiver writes exactly this), as a slice; {@code null} for any other line.
     */
    static ByteBuf htmlFileBatch(ByteBuf line) {
        int start = line.readerIndex();
        int length = line.readableBytes();
        int inner = length - SCRIPT_OPEN.length - SCRIPT_CLOSE.length;
        if (inner < 0 || !startsWith(line, start, SCRIPT_OPEN) || !startsWith(line, start + length - SCRIPT_CLOSE.length, SCRIPT_CLOSE)) {
            return null;
        }
        return line.slice(start + SCRIPT_OPEN.length, inner);
    }

    private static boolean startsWith(ByteBuf buf, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
