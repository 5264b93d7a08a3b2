package io.cometgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Writing complete responses: errors always carry a one-line text reason. */
public final class HttpResponses {

    private HttpResponses() {
    }

    public static ChannelFuture send(Channel channel, HttpResponseStatus status, String contentType, ByteBuf body,
                                     boolean keepAlive, HttpHeaders extra) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (extra != null) {
            response.headers().add(extra);
        }
        HttpUtil.setContentLength(response, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = channel.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return written;
    }

    public static ChannelFuture text(Channel channel, HttpResponseStatus status, String text, boolean keepAlive, HttpHeaders extra) {
        return send(channel, status, "text/plain; charset=utf-8",
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8), keepAlive, extra);
    }

    /** An error: the connection is kept only for statuses after which the request was fully read. */
    public static ChannelFuture error(Channel channel, HttpResponseStatus status, String reason, boolean keepAlive, HttpHeaders extra) {
        return text(channel, status, status.code() + " " + status.reasonPhrase() + ": " + oneLine(reason), keepAlive, extra);
    }

    /**
     * A reason may quote what the client sent (a query value decoded from {@code %0A}, say):
     * control characters become '?', so the reason stays the one line clients (and the audit
     * log) read. Every reason that quotes a client goes through it, HTTP or WebSocket close.
     */
    public static String oneLine(String reason) {
        return reason.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
