package io.cometgate.relay;

import io.cometgate.relay.clientaddr.ProxyProtocolHeader;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.net.InetSocketAddress;

/**
 * First handler of a backend pipeline whose target wants the PROXY protocol: writes the
 * header straight to the socket before anything else (a TLS handshake included, which is why
 * it sits in front of the TLS handler), then leaves.
 *
 * <p>The header goes out on the first of two events: the channel becoming active, or the first
 * outbound write. Both are needed because Netty completes the connect promise before it fires
 * {@code channelActive}: the relay's ready listener may flush the client's held bytes (or the
 * WEBIRC line) in between, and those must not reach the backend ahead of the header.
 */
final class ProxyHeaderWriter extends ChannelDuplexHandler {

    private final ProxyProtocolHeader.Version version;
    private final InetSocketAddress client;
    private final InetSocketAddress target;
    private boolean sent;

    ProxyHeaderWriter(ProxyProtocolHeader.Version version, InetSocketAddress client, InetSocketAddress target) {
        this.version = version;
        this.client = client;
        this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (sendHeader(ctx)) {
            ctx.flush();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        sendHeader(ctx);
        ctx.write(msg, promise); // the caller's flush sends both
    }

    /** Writes the header once and leaves the pipeline; true if this call wrote it. */
    private boolean sendHeader(ChannelHandlerContext ctx) {
        if (sent) {
            return false;
        }
        sent = true;
        ctx.write(ProxyProtocolHeader.encode(version, client, target, ctx.alloc()), ctx.voidPromise());
        ctx.pipeline().remove(this);
        return true;
    }
}
