package io.cometgate.relay;

import io.cometgate.relay.clientaddr.ProxyProtocolHeader;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;

/**
 * First handler of a backend pipeline whose target wants the PROXY protocol: writes the
 * header straight to the socket when the connection opens, before anything else (a TLS
 * handshake included, which is why it sits in front of the TLS handler), then leaves.
 */
final class ProxyHeaderWriter extends ChannelInboundHandlerAdapter {

    private final ProxyProtocolHeader.Version version;
    private final InetSocketAddress client;
    private final InetSocketAddress target;

    ProxyHeaderWriter(ProxyProtocolHeader.Version version, InetSocketAddress client, InetSocketAddress target) {
        this.version = version;
        this.client = client;
        this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ProxyProtocolHeader.encode(version, client, target, ctx.alloc()));
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
