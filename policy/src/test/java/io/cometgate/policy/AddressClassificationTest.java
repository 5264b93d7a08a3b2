package io.cometgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The catalogue from SECURITY.md: every odd notation and special range, with its verdict. */
class AddressClassificationTest {

    private final AddressClassifier classifier = new AddressClassifier(Set.of("93.184.216.99"));

    @ParameterizedTest(name = "{0} is not a canonical literal nor a host name")
    @ValueSource(strings = {"127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.000.000.001", "1.2.3.256",
            "0x7f000001", "127.0.0.1.", "017700000001", "127.0.1", "1.2.3.4.5", "0", "00.0.0.0", "1.2.3.-1",
            "1e2.0.0.1", "fe80::1%1", "fe80::1%eth0", "::ffff:127.1", "::ffff:0177.0.0.1", "1:2:3:4:5:6:7:8:9",
            "1::2::3", ":1::", "1:::2", "12345::", "g::1", "::1:", "::ffff:1.2.3.4:1", "1.2.3.4::",
            " 127.0.0.1", "127.0.0.1 ", "\uff11\uff12\uff17.0.0.1"})
    void oddNotationsAreRejected(String text) {
        assertNull(IpLiterals.parseIpv4(text), "IPv4 parser accepted " + text);
        assertNull(IpLiterals.parseIpv6(text), "IPv6 parser accepted " + text);
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text + ":80"),
                "target parser accepted " + text);
    }

    @ParameterizedTest(name = "{0} parses and prints as {1}")
    @CsvSource({
            "127.0.0.1, 127.0.0.1", "0.0.0.0, 0.0.0.0", "255.255.255.255, 255.255.255.255",
            "::1, ::1", "::, ::", "2001:DB8::1, 2001:db8::1", "2001:db8:0:0:0:0:0:1, 2001:db8::1",
            "::ffff:127.0.0.1, ::ffff:7f00:1", "::127.0.0.1, ::7f00:1", "fe80::1, fe80::1",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3", "64:ff9b::10.0.0.1, 64:ff9b::a00:1"})
    void canonicalLiteralsParse(String text, String printed) {
        byte[] raw = text.contains(":") ? IpLiterals.parseIpv6(text) : IpLiterals.parseIpv4(text);
        assertNotNull(raw, text);
        assertEquals(printed, IpLiterals.format(raw));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // IPv4 special ranges
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED",
            "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE",
            "100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE", "100.128.0.1, PUBLIC",
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK",
            "169.254.1.1, LINK_LOCAL", "169.254.169.254, METADATA", "169.254.170.2, METADATA",
            "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "172.32.0.1, PUBLIC", "172.15.255.255, PUBLIC",
            "192.0.0.1, RESERVED", "192.0.0.192, METADATA", "192.0.2.1, RESERVED", "192.88.99.1, RESERVED",
            "192.168.1.1, PRIVATE", "198.18.0.1, RESERVED", "198.19.255.255, RESERVED",
            "198.51.100.1, RESERVED", "203.0.113.9, RESERVED", "224.0.0.1, RESERVED", "239.255.255.255, RESERVED",
            "240.0.0.1, RESERVED", "255.255.255.255, RESERVED",
            "100.100.100.200, METADATA", "168.63.129.16, METADATA",
            "8.8.8.8, PUBLIC", "93.184.216.34, PUBLIC", "1.1.1.1, PUBLIC",
            "93.184.216.99, GATEWAY_SELF",
            // IPv6 special ranges
            "::, UNSPECIFIED", "::1, LOOPBACK", "100::1, RESERVED", "2001::1, TUNNEL", "2001:1::1, RESERVED",
            "2001:db8::1, RESERVED", "2002:7f00:1::1, TUNNEL", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL", "fec0::1, RESERVED", "ff02::1, RESERVED",
            "fd00:ec2::254, METADATA", "2606:4700:4700::1111, PUBLIC", "2a00:1450::1, PUBLIC",
            "4000::1, RESERVED",
            // embedded IPv4
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.0.0.1, PRIVATE", "::ffff:8.8.8.8, PUBLIC",
            "::ffff:169.254.169.254, METADATA", "::ffff:0.0.0.0, UNSPECIFIED", "::ffff:93.184.216.99, GATEWAY_SELF",
            "::127.0.0.1, TUNNEL", "::8.8.8.8, TUNNEL", "64:ff9b::7f00:1, TUNNEL", "64:ff9b::8.8.8.8, TUNNEL",
            "64:ff9b:1::1, TUNNEL", "::ffff:0:7f00:1, RESERVED"})
    void everyAddressGetsItsKind(String literal, AddressKind expected) {
        byte[] raw = literal.contains(":") ? IpLiterals.parseIpv6(literal) : IpLiterals.parseIpv4(literal);
        assertNotNull(raw, literal);
        assertEquals(expected, classifier.classify(raw).kind(), () -> classifier.classify(raw).toString());
    }

    @Test
    void jdkParsedAddressesClassifyTheSameAsRawBytes() throws Exception {
        // InetAddress.getByAddress never parses text; the mapped form comes back as Inet4Address.
        InetAddress mapped = InetAddress.getByAddress(IpLiterals.parseIpv6("::ffff:127.0.0.1"));
        assertEquals(4, mapped.getAddress().length);
        assertEquals(AddressKind.LOOPBACK, classifier.classify(mapped).kind());
    }

    @Test
    void everyNonLoopbackInterfaceAddressOfThisHostIsTheGatewayItself() throws Exception {
        AddressClassifier real = AddressClassifier.forThisHost();
        int checked = 0;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                AddressKind kind = real.classify(a.getAddress()).kind();
                if (a.isLoopbackAddress()) {
                    assertEquals(AddressKind.LOOPBACK, kind);
                } else {
                    assertEquals(AddressKind.GATEWAY_SELF, kind, a.toString());
                }
                checked++;
            }
        }
        assertEquals(true, checked > 0, "no interface addresses at all");
    }

    @ParameterizedTest
    @CsvSource({"Example.COM., example.com", "xn--bcher-kva.example, xn--bcher-kva.example",
            "b\u00fccher.example, xn--bcher-kva.example", "a-b.c, a-b.c"})
    void hostNamesNormalise(String raw, String expected) {
        assertEquals(expected, HostNames.normalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b.com", "a\tb.com", "a\u0000.com", "a_b.com", "-a.com", "a-.com", "a..com", ".a.com",
            "foo.123", "foo.0x1f", "a.com..", ""})
    void badHostNamesAreRejected(String raw) {
        assertThrows(IllegalArgumentException.class, () -> HostNames.normalize(raw));
    }

    @Test
    void overlongNamesAndLabelsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> HostNames.normalize("a".repeat(64) + ".com"));
        assertThrows(IllegalArgumentException.class, () -> HostNames.normalize(("a".repeat(60) + ".").repeat(5) + "com"));
        assertEquals("a".repeat(63) + ".com", HostNames.normalize("a".repeat(63) + ".com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "foo.localhost", "metadata.google.internal"})
    void someNamesAreAlwaysDenied(String name) {
        assertEquals(true, HostNames.alwaysDenied(HostNames.normalize(name)));
    }

    @Test
    void cidrWithHostBitsSaysWhatWasMeant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8"));
        assertEquals("host bits set in '10.0.0.1/8' (did you mean '10.0.0.0/8'?)", e.getMessage());
        assertArrayEquals(new byte[] {10, 0, 0, 0}, Cidr.parse("10.0.0.0/8").network());
    }
}
