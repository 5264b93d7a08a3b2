package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.regex.Pattern;

/**
 * {@code jsonp-polling}: the batch as a script calling the page's callback. The callback
 * name is strictly validated and the body starts with a comment, which defeats
 * content-sniffing attacks such as Rosetta Flash.
 */
final class JsonpPollingReceiver extends HttpPollReceiver {

    static final Pattern CALLBACK = Pattern.compile("[A-Za-z0-9_.]{1,32}");

    private final String callback;

    JsonpPollingReceiver(Channel channel, Session session, boolean keepAlive, String callback) {
        super(TransportKind.JSONP_POLLING, channel, session, keepAlive, headers -> { });
        this.callback = callback;
    }

    @Override
    String contentType() {
        return "application/javascript; charset=us-ascii";
    }

    @Override
    ByteBuf body(Channel ch, ByteBuf base64) {
        return Unpooled.wrappedBuffer(ByteBufUtil.writeAscii(ch.alloc(), "/**/" + callback + "(\""), base64,
                ByteBufUtil.writeAscii(ch.alloc(), "\");"));
    }
}
