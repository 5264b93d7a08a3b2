package io.cometgate.http;

import io.cometgate.policy.IpLiterals;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Reads the one PROXY header a trusted balancer sent and records its source as the
 * connection's client ({@link ClientPeer}), then leaves the pipeline. A LOCAL command (the
 * balancer's own health check) or an UNKNOWN protocol keeps the TCP peer. A malformed header
 * closes the connection at debug level: it is the balancer's or an attacker's mistake, not ours.
 */
final class ProxyHeaderReader extends SimpleChannelInboundHandler<HAProxyMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderReader.class);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HAProxyMessage header) {
        InetAddress source = header.command() == HAProxyCommand.PROXY ? literal(header.sourceAddress()) : null;
        if (source != null) {
            ClientPeer.set(ctx.channel(), new InetSocketAddress(source, header.sourcePort()));
        }
        ctx.pipeline().remove(this);
    }

    private static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        byte[] bytes = text.indexOf(':') >= 0 ? IpLiterals.parseIpv6(text) : IpLiterals.parseIpv4(text);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // only thrown for a wrong length, which the parsers never return
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
            LOG.debug("malformed PROXY protocol header from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
