package io.cometgate.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;

/**
 * What the router learned about a request before handing it to an endpoint.
 *
 * @param origin        the Origin header, {@code null} if absent
 * @param clientAddress the real client address (the peer, or what a trusted proxy says)
 * @param keepAlive     whether the connection stays open after the response
 * @param clientSubject the verified TLS client certificate's subject, {@code null} without one
 */
public record RequestInfo(String origin, InetAddress clientAddress, boolean keepAlive, String clientSubject) {

    public RequestInfo(String origin, InetAddress clientAddress, boolean keepAlive) {
        this(origin, clientAddress, keepAlive, null);
    }

    /** CORS headers for an allowed Origin: echo it exactly (never "*"), and vary on it. */
    public HttpHeaders cors() {
        HttpHeaders headers = new DefaultHttpHeaders();
        addCors(headers);
        return headers;
    }

    public void addCors(HttpHeaders headers) {
        if (origin != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin).set(HttpHeaderNames.VARY, "Origin");
        }
    }
}
