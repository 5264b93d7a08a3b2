package io.cometgate.relay.clientaddr;

import io.cometgate.policy.IpLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebIrcLineTest {

    @TempDir
    Path dir;

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal).orElseThrow();
    }

    private WebIrcLine fromFile(String content) throws Exception {
        Path file = dir.resolve("webirc.pass");
        Files.writeString(file, content);
        return WebIrcLine.fromPasswordFile(file, "cometgate");
    }

    @Test
    void theLineCarriesPasswordGatewayAndTheClientIpAsHostName() throws Exception {
        assertEquals("WEBIRC s3cret cometgate 203.0.113.7 203.0.113.7\r\n",
                fromFile("s3cret\n").line(ip("203.0.113.7")));
    }

    @Test
    void thePasswordFileIsTrimmed() throws Exception {
        assertEquals("WEBIRC pw cometgate 192.0.2.1 192.0.2.1\r\n", fromFile("  pw \r\n\n").line(ip("192.0.2.1")));
    }

    @Test
    void aGivenHostNameReplacesTheIpInTheHostField() throws Exception {
        assertEquals("WEBIRC pw cometgate client.example.net 192.0.2.1\r\n",
                fromFile("pw").line(ip("192.0.2.1"), "client.example.net"));
    }

    @Test
    void ipv6AddressesStartingWithAColonGetALeadingZero() throws Exception {
        assertEquals("WEBIRC pw cometgate 0::1 0::1\r\n", fromFile("pw").line(ip("::1")));
        assertEquals("WEBIRC pw cometgate 2001:db8::5 2001:db8::5\r\n", fromFile("pw").line(ip("2001:db8::5")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "line\rbreak", "line\nbreak", ":colon", "", "   ", "tab\there", "nul\0"})
    void unusablePasswordsAreRejectedNamingTheFile(String password) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromFile(password));
        assertTrue(e.getMessage().startsWith(dir.resolve("webirc.pass") + ": WEBIRC password "), e.getMessage());
    }

    @Test
    void aMissingPasswordFileIsAClearError() {
        Path missing = dir.resolve("nope.pass");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebIrcLine.fromPasswordFile(missing, "cometgate"));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read the WEBIRC password"), e.getMessage());
    }

    @Test
    void aHostNameThatWouldBreakTheLineIsRefused() throws Exception {
        WebIrcLine line = fromFile("pw");
        assertThrows(IllegalArgumentException.class, () -> line.line(ip("192.0.2.1"), "evil host"));
        assertThrows(IllegalArgumentException.class, () -> line.line(ip("192.0.2.1"), "evil\r\nQUIT"));
    }

    @Test
    void aGatewayNameWithASpaceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WebIrcLine.of("pw", "come gate", "test"));
    }
}
