package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/** {@code xhr-streaming}: a chunked text/plain body, one base64 batch per line. */
final class XhrStreamingReceiver extends HttpStreamReceiver {

    /**
     * Some browsers and buffering proxies hold back the first couple of KiB of a response;
     * a padding line gets the stream flowing (SockJS does the same).
     */
    private static final String PRELUDE = " ".repeat(2048) + "\n";
    private static final byte[] NEWLINE = {'\n'};

    XhrStreamingReceiver(Channel channel, Session session) {
        super(TransportKind.XHR_STREAMING, channel, session);
    }

    @Override
    String contentType() {
        return "text/plain; charset=us-ascii";
    }

    @Override
    ByteBuf prelude(Channel ch) {
        return ascii(ch, PRELUDE);
    }

    @Override
    ByteBuf frame(Channel ch, ByteBuf base64, long highestSeq) {
        return Unpooled.wrappedBuffer(base64, Unpooled.wrappedBuffer(NEWLINE));
    }
}
