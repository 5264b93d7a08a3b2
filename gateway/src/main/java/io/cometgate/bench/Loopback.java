package io.cometgate.bench;

import java.net.InetSocketAddress;
import java.net.URI;

/** The bench only ever talks to loopback: refuse anything else with a clear message. */
final class Loopback {

    private Loopback() {
    }

    static void require(InetSocketAddress address) {
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the bench only uses loopback addresses (127.0.0.0/8, ::1), not " + address);
        }
    }

    static InetSocketAddress of(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);
        require(address);
        return address;
    }
}
