package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * {@code xhr-streaming}: a chunked text/plain body, one base64 batch per line; or, when the
 * client asked with {@code binary=1}, an application/octet-stream body of raw batches back to
 * back (no padding: a client that streams binary bodies reads them as they arrive).
 */
final class XhrStreamingReceiver extends HttpStreamReceiver {

    /**
     * Some browsers and buffering proxies hold back the first couple of KiB of a response;
     * a padding line gets the stream flowing (SockJS does the same).
     */
    private static final String PRELUDE = " ".repeat(2048) + "\n";
    private static final byte[] NEWLINE = {'\n'};

    private final boolean binary;

    XhrStreamingReceiver(Channel channel, Session session, boolean binary) {
        super(TransportKind.XHR_STREAMING, channel, session);
        this.binary = binary;
    }

    @Override
    String contentType() {
        return binary ? "application/octet-stream" : "text/plain; charset=us-ascii";
    }

    @Override
    ByteBuf prelude(Channel ch) {
        return binary ? Unpooled.EMPTY_BUFFER : ascii(ch, PRELUDE);
    }

    @Override
    boolean binaryBodies() {
        return binary;
    }

    private static final byte[] NOTHING = {};

    @Override
    byte[] head(long highestSeq) {
        return NOTHING;
    }

    @Override
    byte[] tail() {
        return NEWLINE;
    }
}
