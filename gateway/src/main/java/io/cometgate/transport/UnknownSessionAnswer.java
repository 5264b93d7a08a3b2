package io.cometgate.transport;

import io.cometgate.config.TransportKind;
import io.cometgate.http.HttpResponses;
import io.cometgate.http.RequestInfo;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.SessionIds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * The answer to a request naming a session this node does not hold: it expired, its node
 * restarted or died, or the balancer sent the request to another node. Close code 4015
 * (docs/PROTOCOL.md, "Unknown session") in the form each transport can show a page, so the
 * client starts a fresh session at once instead of retrying a session nobody holds:
 * a downstream GET is answered 200 in its own framing with one SESSION_CLOSE numbered
 * {@code ack + 1} (the next frame the client expects, so it passes its in-order check, and
 * EventSource, htmlfile and JSONP hide HTTP statuses from pages anyway); a POST gets 410.
 * WebSocket closes with 4015 ({@link WebSocketUpgrade}).
 */
final class UnknownSessionAnswer {

    private static final String STREAM_PADDING = " ".repeat(2048) + "\n";

    private UnknownSessionAnswer() {
    }

    /** The one-line reason: names both nodes when the id says where the session lived. */
    static String reason(String sessionId, String thisNode) {
        String owner = SessionIds.nodeOf(sessionId);
        String where = owner == null || owner.equals(thisNode)
                ? "node " + thisNode + " does not hold this session (expired, or the node restarted)"
                : "the session belongs to node " + owner + ", this is node " + thisNode
                        + " (that node is gone, or the balancer routed the request here)";
        return where + "; start a fresh session";
    }

    /** A POST (upstream): 410 Gone with the reason. */
    static void post(Channel channel, String reason, RequestInfo info) {
        HttpResponses.error(channel, HttpResponseStatus.GONE, "session-unknown (4015): " + reason, info.keepAlive(), info.cors());
    }

    /** A downstream GET of {@code kind}: 200 with a lone SESSION_CLOSE 4015 numbered {@code ack + 1}. */
    static void downstream(Channel channel, TransportKind kind, long ack, String callback, String reason, RequestInfo info) {
        ByteBuf frame = FrameCodec.encodeCode(channel.alloc(), FrameType.SESSION_CLOSE, 0, (ack + 1) & 0xFFFF_FFFFL,
                CloseCode.SESSION_UNKNOWN.code(), reason);
        ByteBuf base64 = Base64Batches.encode(frame);
        String batch = base64.toString(StandardCharsets.US_ASCII);
        base64.release();
        String contentType;
        String body;
        switch (kind) {
            case XHR_STREAMING -> {
                contentType = "text/plain; charset=us-ascii";
                body = STREAM_PADDING + batch + "\n";
            }
            case EVENTSOURCE -> {
                contentType = "text/event-stream; charset=utf-8";
                body = "data: " + batch + "\n\n";
            }
            case HTMLFILE -> {
                contentType = "text/html; charset=utf-8";
                // "*": the session (and with it its Origin) is unknown here, and this message
                // carries nothing but the fixed close frame, so no page learns anything from it.
                // The receiver's own framing (HtmlFileReceiver), so every client parses it alike.
                body = "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><script>var o=\"*\";"
                        + "function p(d){parent.postMessage({cometgate:d},o)}</script>\n<script>p(\"" + batch + "\")</script>\n";
            }
            case JSONP_POLLING -> {
                contentType = "application/javascript; charset=us-ascii";
                body = "/**/" + callback + "(\"" + batch + "\");";
            }
            default -> {
                contentType = "text/plain; charset=us-ascii";
                body = batch;
            }
        }
        HttpResponses.send(channel, HttpResponseStatus.OK, contentType, Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII),
                info.keepAlive(), kind == TransportKind.JSONP_POLLING || kind == TransportKind.HTMLFILE ? null : info.cors());
    }
}
