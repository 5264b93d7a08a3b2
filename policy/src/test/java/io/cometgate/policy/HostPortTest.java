package io.cometgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one host:port grammar: how each shape splits, and what is refused with which message. */
class HostPortTest {

    @ParameterizedTest(name = "{0} -> host {1}, bracketed {2}, port {3}")
    @CsvSource({
            "example.com:443, example.com, false, 443",
            "example.com, example.com, false, -1",
            "192.0.2.1:80, 192.0.2.1, false, 80",
            "[2001:db8::1]:22, 2001:db8::1, true, 22",
            "[::1], ::1, true, -1",
            "2001:db8::1, 2001:db8::1, false, -1",
            "127.0.0.1:65535, 127.0.0.1, false, 65535",
    })
    void eachShapeSplitsIntoHostAndPort(String text, String host, boolean bracketed, int port) {
        assertEquals(new HostPort(host, bracketed, port), HostPort.parse(text, 1));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "host:0|port 0 is not a valid port (1-65535)",
            "host:080|bad port '080'",
            "host:+80|bad port '+80'",
            "host:65536|port 65536 out of range (1-65535)",
            "host:|missing port after ':'",
            "[::1]:|missing port after ':'",
            "[::1|'[::1': '[' without ']'",
            "[::1]80|expected [IPv6]:PORT",
            "[fe80::1%1]:80|'fe80::1%1' is not a canonical IPv6 address (no zone ids)",
            "[192.0.2.1]:80|'192.0.2.1' is not a canonical IPv6 address (no zone ids)",
    })
    void malformedTextIsRefusedWithAReason(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 1));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void listenAddressesAreLiteralsAndMayUsePortZero() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0),
                HostPort.literalSocketAddress("127.0.0.1:0"));
        InetSocketAddress v6 = HostPort.literalSocketAddress("[::1]:8080");
        assertTrue(v6.getAddress().isLoopbackAddress());
        assertEquals(8080, v6.getPort());
        assertNull(HostPort.parse("example.com:80", 1).ip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com:80", "localhost:80", "127.1:80", "0177.0.0.1:80", "::1:80", "127.0.0.1", "[::1]"})
    void listenAddressesRefuseNamesOddNotationsAndMissingPorts(String text) {
        assertThrows(IllegalArgumentException.class, () -> HostPort.literalSocketAddress(text));
    }
}
