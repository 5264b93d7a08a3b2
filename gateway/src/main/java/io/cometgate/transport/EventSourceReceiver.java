package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/**
 * {@code eventsource}: Server-Sent Events. Each event's id is the highest sequence number it
 * carries, so the browser's automatic reconnect sends it back as Last-Event-ID: the ack.
 */
final class EventSourceReceiver extends HttpStreamReceiver {

    EventSourceReceiver(Channel channel, Session session) {
        super(TransportKind.EVENTSOURCE, channel, session);
    }

    @Override
    String contentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    ByteBuf prelude(Channel ch) {
        // A comment line: starts the stream; also tells the browser to retry quickly.
        return ascii(ch, ":" + " ".repeat(2048) + "\nretry: 500\n\n");
    }

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    byte[] head(long highestSeq) {
        return highestSeq > 0 ? ("id: " + highestSeq + "\ndata: ").getBytes(StandardCharsets.US_ASCII) : DATA;
    }

    @Override
    byte[] tail() {
        return END;
    }
}
