package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** {@code xhr-polling}: the long-poll answer is the base64 batch as text/plain. */
final class XhrPollingReceiver extends HttpPollReceiver {

    XhrPollingReceiver(Channel channel, Session session, boolean keepAlive, HttpHeadersWriter cors) {
        super(TransportKind.XHR_POLLING, channel, session, keepAlive, cors);
    }

    @Override
    String contentType() {
        return "text/plain; charset=us-ascii";
    }

    @Override
    ByteBuf body(Channel ch, ByteBuf base64) {
        return base64;
    }
}
