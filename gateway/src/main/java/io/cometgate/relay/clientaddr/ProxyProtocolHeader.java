package io.cometgate.relay.clientaddr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A PROXY protocol header (HAProxy's proxy-protocol.txt) that tells a backend who the real client is:
 * written once, before any payload, on a fresh backend connection.
 *
 * <p>Hand-written rather than Netty's {@code HAProxyMessageEncoder}: that encoder is final and only works
 * inside a pipeline, while the relay wants a ready {@link ByteBuf} to write first. The tests check the
 * bytes against the spec and against Netty's decoder.
 *
 * <p>Both addresses must share a family; when the client came over IPv4 and the backend is reached over
 * IPv6 (or the reverse) the IPv4 address is sent in its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}).
 */
public final class ProxyProtocolHeader {

    /** Which header version the backend expects. */
    public enum Version {
        V1, V2;

        /** Parses a policy value ({@code v1}, {@code v2}, case-insensitive). */
        public static Version parse(String text) {
            return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "v1", "1" -> V1;
                case "v2", "2" -> V2;
                default -> throw new IllegalArgumentException(
                        "unknown PROXY protocol version '" + text + "' (expected v1 or v2)");
            };
        }
    }

    /** The 12-byte signature every v2 header starts with. */
    static final byte[] V2_SIGNATURE = {
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static final int V2_VERSION_PROXY = 0x21;  // version 2, command PROXY
    private static final int V2_TCP4 = 0x11;           // AF_INET, STREAM
    private static final int V2_TCP6 = 0x21;           // AF_INET6, STREAM

    private ProxyProtocolHeader() {
    }

    /**
     * The header for a TCP connection from {@code source} (the browser's address) to {@code destination}
     * (the address the browser connected to, i.e. the gateway's listener). The caller owns the buffer.
     */
    public static ByteBuf encode(Version version, InetSocketAddress source, InetSocketAddress destination,
                                 ByteBufAllocator alloc) {
        InetAddress src = requireResolved(source, "source");
        InetAddress dst = requireResolved(destination, "destination");
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        byte[] srcBytes = v4 ? src.getAddress() : ipv6Bytes(src);
        byte[] dstBytes = v4 ? dst.getAddress() : ipv6Bytes(dst);
        return switch (version) {
            case V1 -> v1(v4, srcBytes, dstBytes, source.getPort(), destination.getPort(), alloc);
            case V2 -> v2(v4, srcBytes, dstBytes, source.getPort(), destination.getPort(), alloc);
        };
    }

    private static ByteBuf v1(boolean v4, byte[] src, byte[] dst, int srcPort, int dstPort, ByteBufAllocator alloc) {
        String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + text(src) + ' ' + text(dst) + ' '
                + srcPort + ' ' + dstPort + "\r\n";
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        // The spec caps a v1 header at 107 bytes; the longest TCP6 line is 104, so this is a bug check.
        assert bytes.length <= 107 : line;
        ByteBuf out = alloc.buffer(bytes.length);
        out.writeBytes(bytes);
        return out;
    }

    private static ByteBuf v2(boolean v4, byte[] src, byte[] dst, int srcPort, int dstPort, ByteBufAllocator alloc) {
        int addressBytes = 2 * src.length + 4;
        ByteBuf out = alloc.buffer(16 + addressBytes);
        out.writeBytes(V2_SIGNATURE);
        out.writeByte(V2_VERSION_PROXY);
        out.writeByte(v4 ? V2_TCP4 : V2_TCP6);
        out.writeShort(addressBytes);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.writeShort(srcPort);
        out.writeShort(dstPort);
        return out;
    }

    private static InetAddress requireResolved(InetSocketAddress address, String what) {
        if (address == null || address.getAddress() == null) {
            throw new IllegalArgumentException("PROXY header " + what + " address must be a resolved IP, got " + address);
        }
        return address.getAddress();
    }

    private static byte[] ipv6Bytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    /** RFC 5952 text (compressed, no zone): what HAProxy's inet_pton reads back. */
    private static String text(byte[] address) {
        if (address.length == 16 && isMapped(address)) {
            // RFC 5952 section 5: mapped addresses are written with the IPv4 part dotted.
            return "::ffff:" + NetUtil.bytesToIpAddress(java.util.Arrays.copyOfRange(address, 12, 16));
        }
        return NetUtil.bytesToIpAddress(address);
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
