package io.cometgate.policy;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Classifies one address by the security brief's table. Works on raw bytes, never on
 * {@code InetAddress.isXxx()}: those miss fc00::/7, 100.64/10, 240/4 and every embedded form.
 *
 * <p>IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) is unwrapped first, because a socket to it is a
 * socket to the IPv4 address; every other IPv4-in-IPv6 form (compatible, NAT64, 6to4,
 * Teredo) hides the real destination behind a translator and is always denied.
 */
final class AddressClassifier {

    /** One verdict: the kind, and the range that decided it (for explain and audit). */
    record Classification(String address, AddressKind kind, String range) {
        @Override
        public String toString() {
            return address + " is " + kind.label() + " (" + range + ")";
        }
    }

    private record Entry(Cidr cidr, AddressKind kind, String note) {
    }

    private static final Set<String> METADATA = Set.of("169.254.169.254", "169.254.170.2",
            "100.100.100.200", "192.0.0.192", "168.63.129.16", "fd00:ec2::254");

    private static final List<Entry> IPV4 = List.of(
            e("0.0.0.0/8", AddressKind.UNSPECIFIED, "this network"),
            e("127.0.0.0/8", AddressKind.LOOPBACK, "loopback"),
            e("169.254.0.0/16", AddressKind.LINK_LOCAL, "link-local"),
            e("10.0.0.0/8", AddressKind.PRIVATE, "RFC 1918"),
            e("172.16.0.0/12", AddressKind.PRIVATE, "RFC 1918"),
            e("192.168.0.0/16", AddressKind.PRIVATE, "RFC 1918"),
            e("100.64.0.0/10", AddressKind.PRIVATE, "shared address space (CGNAT)"),
            e("192.0.0.0/24", AddressKind.RESERVED, "IETF protocol assignments"),
            e("192.0.2.0/24", AddressKind.RESERVED, "documentation"),
            e("198.51.100.0/24", AddressKind.RESERVED, "documentation"),
            e("203.0.113.0/24", AddressKind.RESERVED, "documentation"),
            e("192.88.99.0/24", AddressKind.RESERVED, "6to4 relay anycast"),
            e("198.18.0.0/15", AddressKind.RESERVED, "benchmarking"),
            e("224.0.0.0/4", AddressKind.RESERVED, "multicast"),
            e("240.0.0.0/4", AddressKind.RESERVED, "reserved / broadcast"));

    private static final List<Entry> IPV6 = List.of(
            e("::/128", AddressKind.UNSPECIFIED, "unspecified"),
            e("::1/128", AddressKind.LOOPBACK, "loopback"),
            e("::/96", AddressKind.TUNNEL, "IPv4-compatible"),
            e("64:ff9b::/96", AddressKind.TUNNEL, "NAT64"),
            e("64:ff9b:1::/48", AddressKind.TUNNEL, "local NAT64"),
            e("2002::/16", AddressKind.TUNNEL, "6to4"),
            e("2001::/32", AddressKind.TUNNEL, "Teredo"),
            e("2001:db8::/32", AddressKind.RESERVED, "documentation"),
            e("2001::/23", AddressKind.RESERVED, "IETF protocol assignments"),
            e("100::/64", AddressKind.RESERVED, "discard-only"),
            e("fc00::/7", AddressKind.PRIVATE, "unique local"),
            e("fe80::/10", AddressKind.LINK_LOCAL, "link-local"),
            e("fec0::/10", AddressKind.RESERVED, "site-local (deprecated)"),
            e("ff00::/8", AddressKind.RESERVED, "multicast"));

    private static final Cidr MAPPED = Cidr.of("::ffff:0:0/96");
    private static final Cidr GLOBAL_UNICAST = Cidr.of("2000::/3");

    private final Set<String> gatewayAddresses;

    /** @param gatewayAddresses canonical texts of the gateway's own non-loopback addresses */
    AddressClassifier(Set<String> gatewayAddresses) {
        this.gatewayAddresses = Set.copyOf(gatewayAddresses);
    }

    /** A classifier that knows this host's interface addresses, read once now. */
    static AddressClassifier forThisHost() {
        return new AddressClassifier(localInterfaceAddresses());
    }

    Classification classify(InetAddress address) {
        return classify(address.getAddress());
    }

    Classification classify(byte[] raw) {
        String text = IpLiterals.format(raw);
        byte[] a = raw;
        String via = "";
        if (a.length == 16 && MAPPED.contains(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
            via = "IPv4-mapped " + IpLiterals.format(a) + ": ";
        }
        String canonical = IpLiterals.format(a);
        if (METADATA.contains(canonical)) {
            return new Classification(text, AddressKind.METADATA, via + "cloud metadata service");
        }
        if (gatewayAddresses.contains(canonical)) {
            return new Classification(text, AddressKind.GATEWAY_SELF, via + "an address of this gateway");
        }
        for (Entry entry : a.length == 4 ? IPV4 : IPV6) {
            if (entry.cidr.contains(a)) {
                return new Classification(text, entry.kind, via + entry.cidr + " " + entry.note);
            }
        }
        if (a.length == 16 && !GLOBAL_UNICAST.contains(a)) {
            return new Classification(text, AddressKind.RESERVED, "outside 2000::/3 global unicast");
        }
        return new Classification(text, AddressKind.PUBLIC, via + "no special range");
    }

    private static Entry e(String cidr, AddressKind kind, String note) {
        return new Entry(Cidr.of(cidr), kind, note);
    }

    /** Own addresses except loopback (loopback is its own kind with its own opt-in). */
    static Set<String> localInterfaceAddresses() {
        Set<String> out = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress()) {
                        out.add(IpLiterals.format(a.getAddress()));
                    }
                }
            }
        } catch (SocketException | RuntimeException e) {
            // No interface list: fall back to the range table alone rather than refuse to start.
            return Set.of();
        }
        return out;
    }
}
