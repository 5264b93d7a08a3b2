package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;

/**
 * {@code htmlfile}: a forever-frame. The page loads this document in a hidden iframe; each
 * batch is a script chunk that posts the base64 batch to the parent, addressed to the Origin
 * that created the session (never "*"), so a page that steals the URL gets nothing. Base64
 * contains no {@code <}, so no payload can close the script element.
 */
final class HtmlFileReceiver extends HttpStreamReceiver {

    /**
     * Chromium never reports a forever-frame whose connection was reset, so the client declares
     * one dead after 10 s of silence (js-client htmlfile.js): an idle frame hears a HEARTBEAT at
     * least this often, well inside that, whatever the configured heartbeat.
     */
    static final long HEARTBEAT_MILLIS = 2_000;

    HtmlFileReceiver(Channel channel, Session session) {
        super(TransportKind.HTMLFILE, channel, session);
    }

    @Override
    public long heartbeatMillis(long configured) {
        return Math.min(configured, HEARTBEAT_MILLIS);
    }

    @Override
    String contentType() {
        return "text/html; charset=utf-8";
    }

    @Override
    ByteBuf prelude(Channel ch) {
        String head = "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><script>"
                + "var o=" + JsString.quote(session.origin()) + ";"
                + "function p(d){parent.postMessage({cometgate:d},o)}"
                + "</script>" + " ".repeat(1024) + "\n";
        return ascii(ch, head);
    }

    private static final byte[] OPEN = "<script>p(\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\")</script>\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    byte[] head(long highestSeq) {
        return OPEN;
    }

    @Override
    byte[] tail() {
        return CLOSE;
    }
}
