package io.cometgate.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;

/** The real client address of a request: the TCP peer, unless a trusted proxy vouches for another. */
@FunctionalInterface
public interface ClientAddressResolver {

    InetAddress resolve(InetAddress peer, HttpHeaders headers);

    ClientAddressResolver PEER_ONLY = (peer, headers) -> peer;
}
