package io.cometgate.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class ClientPeerTest {

    private static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf("cometgate.proxied-client");

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.7", 5151);

    /** A connection whose TCP peer is {@link #PEER}. */
    private static EmbeddedChannel connection() {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return PEER;
            }
        };
    }

    @Test
    void anUnproxiedConnectionSpeaksForItsTcpPeerAndGainsNoAttribute() {
        EmbeddedChannel channel = connection();
        assertSame(PEER, ClientPeer.of(channel));
        assertFalse(channel.hasAttr(PROXIED), "reading the peer must not add an attribute to every connection");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aProxiedConnectionSpeaksForThePROXYHeadersSource() {
        EmbeddedChannel channel = connection();
        InetSocketAddress source = new InetSocketAddress("127.0.0.9", 4242);
        ClientPeer.set(channel, source);
        assertEquals(source, ClientPeer.of(channel));
        assertFalse(channel.finishAndReleaseAll());
    }
}
