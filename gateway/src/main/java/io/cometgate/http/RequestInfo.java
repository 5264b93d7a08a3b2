package io.cometgate.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;

/**
 * What the router learned about a request before handing it to an endpoint.
 *
 * @param origin        the Origin header, {@code null} if absent
 * @param originAllowed whether the policy allows that Origin (only then is it echoed in CORS headers)
 * @param clientAddress the real client address (the peer, or what a trusted proxy says)
 * @param keepAlive     whether the connection stays open after the response
 * @param clientSubject the verified TLS client certificate's subject, {@code null} without one
 */
public record RequestInfo(String origin, boolean originAllowed, InetAddress clientAddress, boolean keepAlive,
                          String clientSubject) {

    public RequestInfo(String origin, boolean originAllowed, InetAddress clientAddress, boolean keepAlive) {
        this(origin, originAllowed, clientAddress, keepAlive, null);
    }

    /**
     * CORS headers for an allowed Origin: echo it exactly (never "*"), and vary on it. An Origin
     * the policy does not allow is never echoed, not even on the refusal: the page gets an
     * opaque failure, and nothing tells it the Origin it forged or inherited would be taken.
     */
    public HttpHeaders cors() {
        HttpHeaders headers = new DefaultHttpHeaders();
        addCors(headers);
        return headers;
    }

    public void addCors(HttpHeaders headers) {
        headers.set(HttpHeaderNames.VARY, "Origin");
        if (origin != null && originAllowed) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin).set(HttpHeaderNames.VARY, "Origin");
        }
    }
}
