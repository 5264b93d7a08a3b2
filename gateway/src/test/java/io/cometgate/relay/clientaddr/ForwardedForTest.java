package io.cometgate.relay.clientaddr;

import io.cometgate.policy.IpLiterals;
import io.cometgate.relay.clientaddr.ForwardedFor.Source;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForwardedForTest {

    /** 10.0.0.1 and 10.0.0.2 and 2001:db8::10 are our proxies; everything else is the internet. */
    private static final Set<InetAddress> PROXIES = Set.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("2001:db8::10"));
    private static final Predicate<InetAddress> TRUSTED = PROXIES::contains;

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal).orElseThrow();
    }

    private static HttpHeaders headers(String name, String... values) {
        // No validation: the headers codec may hand us whatever a proxy sent.
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (String v : values) {
            h.add(name, v);
        }
        return h;
    }

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            // untrusted peers: headers are ignored entirely
            "198.51.100.5 | 203.0.113.7                        | 198.51.100.5",
            "198.51.100.5 | 10.0.0.1                           | 198.51.100.5",
            // trusted peer: the rightmost untrusted entry is the client
            "10.0.0.1     | 203.0.113.7                        | 203.0.113.7",
            "10.0.0.1     | 203.0.113.7, 10.0.0.2              | 203.0.113.7",
            "10.0.0.1     | 1.1.1.1, 203.0.113.7, 10.0.0.2     | 203.0.113.7",
            "10.0.0.1     | 203.0.113.7,10.0.0.2,10.0.0.1      | 203.0.113.7",
            // what the client wrote left of its own address is never read
            "10.0.0.1     | not-an-ip, 203.0.113.7             | 203.0.113.7",
            "10.0.0.1     | 10.0.0.2, 203.0.113.7              | 203.0.113.7",
            // a proxy of ours forwarding for another proxy of ours: the leftmost is as far as we can see
            "10.0.0.1     | 10.0.0.2                           | 10.0.0.2",
            // reached garbage: fall back to the peer
            "10.0.0.1     | unknown                            | 10.0.0.1",
            "10.0.0.1     | 203.0.113.7, garbage               | 10.0.0.1",
            "10.0.0.1     | 203.0.113.7, ,                     | 10.0.0.1",
            "10.0.0.1     | 127.1                              | 10.0.0.1",
            "10.0.0.1     | 0177.0.0.1                         | 10.0.0.1",
            "10.0.0.1     | client.example.com                 | 10.0.0.1",
            "10.0.0.1     | fe80::1%eth0                       | 10.0.0.1",
            "10.0.0.1     | '   '                              | 10.0.0.1",
            // notations proxies really write
            "10.0.0.1     | 203.0.113.7:54321                  | 203.0.113.7",
            "10.0.0.1     | 2001:db8::7                        | 2001:db8::7",
            "10.0.0.1     | [2001:db8::7]:443                  | 2001:db8::7",
            "10.0.0.1     | 203.0.113.7:99999                  | 10.0.0.1",
            "2001:db8::10 | 2001:db8::7, 2001:db8::10          | 2001:db8::7",
    })
    void xForwardedForTable(String peer, String xff, String expected) {
        ForwardedFor ff = new ForwardedFor(TRUSTED, Source.X_FORWARDED_FOR);
        assertEquals(ip(expected), ff.clientAddress(ip(peer), headers("X-Forwarded-For", xff)));
    }

    @ParameterizedTest(name = "peer {0}, Forwarded [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            "198.51.100.5 | for=203.0.113.7                                   | 198.51.100.5",
            "10.0.0.1     | for=203.0.113.7                                   | 203.0.113.7",
            "10.0.0.1     | For=203.0.113.7;proto=https;by=10.0.0.1           | 203.0.113.7",
            "10.0.0.1     | for=\"[2001:db8::7]:4711\"                        | 2001:db8::7",
            "10.0.0.1     | for=\"[2001:db8::7]\", for=10.0.0.2               | 2001:db8::7",
            "10.0.0.1     | for=192.0.2.60;proto=http;by=203.0.113.43         | 192.0.2.60",
            "10.0.0.1     | for=1.1.1.1, for=203.0.113.7;host=\"a,b;c\"       | 203.0.113.7",
            "10.0.0.1     | for=unknown                                       | 10.0.0.1",
            "10.0.0.1     | for=_hidden                                       | 10.0.0.1",
            "10.0.0.1     | proto=https                                       | 10.0.0.1",
            "10.0.0.1     | for=\"203.0.113.7                                 | 10.0.0.1",
            "10.0.0.1     | for                                               | 10.0.0.1",
            "10.0.0.1     | for=[2001:db8::7]x                                | 10.0.0.1",
            "10.0.0.1     | for=\"[203.0.113.7]\"                             | 10.0.0.1",
    })
    void forwardedTable(String peer, String forwarded, String expected) {
        ForwardedFor ff = new ForwardedFor(TRUSTED, Source.FORWARDED);
        assertEquals(ip(expected), ff.clientAddress(ip(peer), headers("Forwarded", forwarded)));
    }

    @Test
    void severalHeaderLinesFormOneChainInOrder() {
        ForwardedFor ff = new ForwardedFor(TRUSTED, Source.X_FORWARDED_FOR);
        HttpHeaders h = headers("X-Forwarded-For", "198.51.100.1, 203.0.113.7", "10.0.0.2");
        assertEquals(ip("203.0.113.7"), ff.clientAddress(ip("10.0.0.1"), h));
    }

    @Test
    void aTrustedPeerWithoutHeadersIsItselfTheClient() {
        ForwardedFor ff = new ForwardedFor(TRUSTED, Source.EITHER);
        assertEquals(ip("10.0.0.1"), ff.clientAddress(ip("10.0.0.1"), new DefaultHttpHeaders()));
    }

    @Test
    void eitherPrefersForwardedWhenBothArePresent() {
        ForwardedFor ff = new ForwardedFor(TRUSTED, Source.EITHER);
        HttpHeaders h = headers("X-Forwarded-For", "198.51.100.1");
        h.add("Forwarded", "for=203.0.113.7");
        assertEquals(ip("203.0.113.7"), ff.clientAddress(ip("10.0.0.1"), h));
        assertEquals(ip("198.51.100.1"),
                ff.clientAddress(ip("10.0.0.1"), headers("X-Forwarded-For", "198.51.100.1")));
    }

    @Test
    void theConfiguredHeaderIsTheOnlyOneRead() {
        HttpHeaders h = headers("Forwarded", "for=203.0.113.7");
        assertEquals(ip("10.0.0.1"), new ForwardedFor(TRUSTED, Source.X_FORWARDED_FOR).clientAddress(ip("10.0.0.1"), h));
        HttpHeaders x = headers("X-Forwarded-For", "203.0.113.7");
        assertEquals(ip("10.0.0.1"), new ForwardedFor(TRUSTED, Source.FORWARDED).clientAddress(ip("10.0.0.1"), x));
    }
}
