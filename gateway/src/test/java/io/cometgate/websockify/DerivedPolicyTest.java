package io.cometgate.websockify;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The policy 'cometgate websockify' derives from its arguments: its targets, its own names, nothing else. */
class DerivedPolicyTest {

    @Test
    void allowsExactlyTheTargetsOnTheListenersNames() {
        String text = new DerivedPolicy(List.of(new InetSocketAddress("127.0.0.1", 6080)), false, List.of("VNC.example.com"),
                List.of("https://app.example.com"), List.of("127.0.0.1:5900", "192.0.2.7:5901", "127.0.0.1:5900"),
                List.of("proxy-protocol=v1")).render("for a test");
        assertEquals("""
                cometgate-policy 1
                # Derived by 'cometgate websockify' for a test.
                # Only these targets are allowed; pass --policy FILE to use your own policy instead.
                host 127.0.0.1:6080 localhost:6080 vnc.example.com:6080
                origin none http://127.0.0.1:6080 http://localhost:6080 http://vnc.example.com:6080 https://app.example.com
                allow 127.0.0.1:5900 allow-loopback proxy-protocol=v1
                allow 192.0.2.7:5901 proxy-protocol=v1
                """, text);
    }

    @Test
    void withTlsThePageOriginsAreHttpsAndTheTargetRuleCanAskForTls() {
        String text = new DerivedPolicy(List.of(new InetSocketAddress("::1", 443)), true, List.of(), List.of(),
                List.of("[::1]:5900"), List.of("tls")).render("x");
        assertEquals(true, text.contains("host [::1]:443 localhost:443\n"), text);
        assertEquals(true, text.contains("origin none https://[::1]:443 https://localhost:443\n"), text);
        assertEquals(true, text.contains("allow [::1]:5900 allow-loopback tls\n"), text);
    }
}
