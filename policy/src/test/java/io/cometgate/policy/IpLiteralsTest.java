package io.cometgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpLiteralsTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "192.0.2.1, 192.0.2.1",
            "255.255.255.255, 255.255.255.255",
            "::1, 0:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "2001:DB8::1, 2001:db8:0:0:0:0:0:1",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "1::, 1:0:0:0:0:0:0:0",
            "::ffff:192.0.2.1, 192.0.2.1",
            "::192.0.2.1, 0:0:0:0:0:0:c000:201",
            "1:2:3:4:5:6:192.0.2.1, 1:2:3:4:5:6:c000:201",
            "64:ff9b::192.0.2.1, 64:ff9b:0:0:0:0:c000:201",
    })
    void canonicalLiteralsParse(String text, String expected) throws Exception {
        assertEquals(InetAddress.getByName(expected), IpLiterals.parse(text).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "127.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.000.000.001", "1.2.3.256", "01.2.3.4",
            "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "١.٢.٣.٤",
            "fe80::1%1", "[::1]", "1::2::3", ":::", ":1::", "::1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
            "12345::", "g::1", "::ffff:01.2.3.4", "::ffff:1.2.3", "1.2.3.4::", "::1.2.3.4:1", "localhost",
            "example.com", "", "1:2:3:4:5:6:7::8:9"})
    void oddNotationsAndNamesAreRefused(String text) {
        assertTrue(IpLiterals.parse(text).isEmpty(), text);
    }
}
