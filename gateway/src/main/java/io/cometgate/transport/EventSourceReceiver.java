package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

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

    @Override
    ByteBuf frame(Channel ch, ByteBuf base64, long highestSeq) {
        String head = highestSeq > 0 ? "id: " + highestSeq + "\ndata: " : "data: ";
        return Unpooled.wrappedBuffer(ascii(ch, head), base64, ascii(ch, "\n\n"));
    }
}
