package io.cometgate.transport;

import io.netty.handler.codec.http.HttpHeaders;

/** Adds per-request response headers (CORS for the request's Origin) to a response a transport builds. */
@FunctionalInterface
public interface HttpHeadersWriter {
    void addTo(HttpHeaders headers);
}
