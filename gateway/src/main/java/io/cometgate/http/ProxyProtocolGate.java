package io.cometgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * First handler of a listener with {@code --proxy-protocol-from}: looks at the first 12 bytes
 * and decides who may speak the PROXY protocol. From a trusted source (an L4 balancer) a PROXY
 * v1 or v2 header is required, because a balancer that forgot {@code send-proxy} would make every
 * client look like the balancer. From anyone else a PROXY header is refused, because it would let
 * a client choose its own address. Either refusal closes the connection before any byte reaches
 * TLS or HTTP. Then this handler leaves the pipeline, handing on what it buffered; a trusted
 * header is parsed by Netty's {@link HAProxyMessageDecoder} and read by {@link ProxyHeaderReader}.
 */
final class ProxyProtocolGate extends ByteToMessageDecoder {

    static final String DECODER = "proxy-protocol-decoder";
    static final String READER = "proxy-protocol-reader";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolGate.class);

    private final TrustedSources trusted;
    private final LongAdder refused;

    ProxyProtocolGate(TrustedSources trusted, LongAdder refused) {
        this.trusted = trusted;
        this.refused = refused;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> detected = HAProxyMessageDecoder.detectProtocol(in);
        if (detected.state() == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return; // at most 12 bytes are held: the request timeout closes a silent connection
        }
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        boolean fromTrusted = trusted.contains(peer.getAddress());
        boolean hasHeader = detected.state() == ProtocolDetectionState.DETECTED;
        if (hasHeader != fromTrusted) {
            refused.increment();
            LOG.debug("refused {}: {}", peer, hasHeader
                    ? "PROXY protocol header from a source not in --proxy-protocol-from"
                    : "no PROXY protocol header from a source in --proxy-protocol-from");
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (hasHeader) {
            ctx.pipeline().addAfter(ctx.name(), DECODER, new HAProxyMessageDecoder());
            ctx.pipeline().addAfter(DECODER, READER, new ProxyHeaderReader());
        }
        ctx.pipeline().remove(this); // hands the buffered bytes to the next handler
    }
}
