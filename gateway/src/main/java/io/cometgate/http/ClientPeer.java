package io.cometgate.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * The address a connection speaks for: the source of a trusted PROXY protocol header if there
 * was one, else the TCP peer. Everything after the front door (limits, policy, audit, the
 * session's address binding, WEBIRC and outbound PROXY) starts from this address.
 */
final class ClientPeer {

    private static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf("cometgate.proxied-client");

    private ClientPeer() {
    }

    static void set(Channel channel, InetSocketAddress client) {
        channel.attr(PROXIED).set(client);
    }

    /**
     * Asks {@code hasAttr} first: {@code attr(key)} creates the attribute even to read it, and
     * an attribute map and entry on every unproxied connection is heap each idle WebSocket keeps
     * (docs/BENCHMARKS.md, S1).
     */
    static InetSocketAddress of(Channel channel) {
        InetSocketAddress proxied = channel.hasAttr(PROXIED) ? channel.attr(PROXIED).get() : null;
        return proxied != null ? proxied : (InetSocketAddress) channel.remoteAddress();
    }
}
