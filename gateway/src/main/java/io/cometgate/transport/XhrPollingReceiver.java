package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * {@code xhr-polling}: the long-poll answer is the base64 batch as text/plain, or the raw batch
 * as application/octet-stream when the client asked with {@code binary=1}.
 */
final class XhrPollingReceiver extends HttpPollReceiver {

    private final boolean binary;

    XhrPollingReceiver(Channel channel, Session session, boolean keepAlive, HttpHeadersWriter cors, boolean binary) {
        super(TransportKind.XHR_POLLING, channel, session, keepAlive, cors);
        this.binary = binary;
    }

    @Override
    String contentType() {
        return binary ? "application/octet-stream" : "text/plain; charset=us-ascii";
    }

    @Override
    boolean binaryBodies() {
        return binary;
    }

    @Override
    ByteBuf body(Channel ch, ByteBuf base64) {
        return base64;
    }
}
