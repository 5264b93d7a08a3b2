package io.cometgate.relay.clientaddr;

import io.cometgate.policy.IpLiterals;
import io.cometgate.relay.clientaddr.ProxyProtocolHeader.Version;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProxyProtocolHeaderTest {

    // Paranoid leak detection only tracks pooled/leak-aware buffers; the default allocator is leak-aware.
    private static final io.netty.buffer.ByteBufAllocator ALLOC = io.netty.buffer.ByteBufAllocator.DEFAULT;

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(IpLiterals.parse(ip).orElseThrow(), port);
    }

    private static String encodeText(Version v, String src, int sp, String dst, int dp) {
        ByteBuf buf = ProxyProtocolHeader.encode(v, at(src, sp), at(dst, dp), ALLOC);
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    private static String encodeHex(Version v, String src, int sp, String dst, int dp) {
        ByteBuf buf = ProxyProtocolHeader.encode(v, at(src, sp), at(dst, dp), ALLOC);
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void v1ForIpv4IsTheSpecTextLine() {
        assertEquals("PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n",
                encodeText(Version.V1, "192.0.2.1", 56324, "198.51.100.7", 443));
    }

    @Test
    void v1ForIpv6UsesTcp6AndCompressedAddresses() {
        assertEquals("PROXY TCP6 2001:db8::1 2001:db8:0:1::2 5000 8443\r\n",
                encodeText(Version.V1, "2001:0db8:0:0:0:0:0:1", 5000, "2001:db8:0:1:0:0:0:2", 8443));
    }

    @Test
    void v1WithMixedFamiliesSendsTheIpv4AddressMapped() {
        assertEquals("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1 2\r\n",
                encodeText(Version.V1, "192.0.2.1", 1, "2001:db8::2", 2));
    }

    @Test
    void v2ForIpv4IsSignatureThenProxyTcp4With12AddressBytes() {
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c"
                        + "c0000201" + "c6336407" + "dc04" + "01bb",
                encodeHex(Version.V2, "192.0.2.1", 56324, "198.51.100.7", 443));
    }

    @Test
    void v2ForIpv6IsSignatureThenProxyTcp6With36AddressBytes() {
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                        + "20010db8000000000000000000000001"
                        + "20010db8000000000000000000000002"
                        + "1388" + "20fb",
                encodeHex(Version.V2, "2001:db8::1", 5000, "2001:db8::2", 8443));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "V1, 203.0.113.9, 198.51.100.1",
            "V2, 203.0.113.9, 198.51.100.1",
            "V1, 2001:db8::9, 2001:db8::1",
            "V2, 2001:db8::9, 2001:db8::1",
            "V2, 203.0.113.9, 2001:db8::1",
    })
    void nettysDecoderReadsBackWhatWasEncoded(Version version, String src, String dst) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
        decoder.writeInbound(ProxyProtocolHeader.encode(version, at(src, 40000), at(dst, 443), ALLOC));
        HAProxyMessage message = decoder.readInbound();
        try {
            assertEquals(version == Version.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                    message.protocolVersion());
            boolean v4 = !src.contains(":") && !dst.contains(":");
            assertEquals(v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6, message.proxiedProtocol());
            assertEquals(IpLiterals.parse(src).orElseThrow(), IpLiterals.parse(message.sourceAddress()).orElseThrow());
            assertEquals(IpLiterals.parse(dst).orElseThrow(),
                    IpLiterals.parse(message.destinationAddress()).orElseThrow());
            assertEquals(40000, message.sourcePort());
            assertEquals(443, message.destinationPort());
        } finally {
            message.release();
        }
        assertFalse(decoder.finishAndReleaseAll());
    }

    @Test
    void anUnresolvedAddressIsRefusedWithAClearMessage() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.com", 80);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyProtocolHeader.encode(Version.V1, unresolved, at("192.0.2.1", 1), ALLOC));
        assertEquals(true, e.getMessage().contains("source address must be a resolved IP"), e.getMessage());
    }

    @Test
    void policyVersionNamesParseAndUnknownOnesSayWhatIsExpected() {
        assertEquals(Version.V1, Version.parse("v1"));
        assertEquals(Version.V2, Version.parse("V2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Version.parse("v3"));
        assertEquals("unknown PROXY protocol version 'v3' (expected v1 or v2)", e.getMessage());
    }
}
