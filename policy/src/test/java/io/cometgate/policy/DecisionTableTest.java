package io.cometgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One policy, many requests: each row names the reason string and the deciding line. */
class DecisionTableTest {

    static final String POLICY = """
            cometgate-policy 1
            host gw.example.com
            origin https://app.example.com
            alias irc irc.internal:6697 tls
            alias echo 127.0.0.1:65101 allow-loopback
            alias meta 169.254.169.254:80
            allow db.internal:5432
            allow *.example.net:443
            allow *.corp.example:443 allow-private
            allow 10.1.0.0/16:22,80,8000-8100
            allow [2606:4700::/32]:443
            allow api.example.org:443 origin=https://other.example.com
            deny 10.1.2.0/24
            deny bad.example.net
            allow 127.0.0.1:7000-7010
            """;

    private static final FakeResolver DNS = new FakeResolver()
            .answer("irc.internal", "10.0.0.5")
            .answer("db.internal", "10.0.0.6")
            .answer("a.example.net", "93.184.216.34")
            .answer("bad.example.net", "93.184.216.34")
            .answer("private.example.net", "10.0.0.7")
            .answer("x.corp.example", "10.0.0.8")
            .answer("loop.example.net", "127.0.0.1")
            .answer("meta.example.net", "169.254.169.254")
            .answer("mixed.example.net", "93.184.216.34", "127.0.0.1")
            .answer("tunnel.example.net", "64:ff9b::808:808")
            .answer("teredo.example.net", "2001::1")
            .answer("zero.example.net", "0.0.0.0")
            .answer("self.example.net", "93.184.216.99")
            .answer("sneaky.example.net", "10.1.2.3")
            .answer("mapped.example.net", "::ffff:10.1.2.3")
            .answer("six.example.net", "2a00:1450::1")
            .answer("api.example.org", "8.8.8.8");

    private static final PolicyEngine ENGINE = Policies.engine(POLICY, DNS);

    @ParameterizedTest(name = "{0} from {1} -> {2} (line {3})")
    @CsvSource(nullValues = "NONE", value = {
            "irc, https://app.example.com, allowed: alias, 4",
            "echo, https://app.example.com, allowed: alias, 5",
            "meta, https://app.example.com, denied: address is metadata, 6",
            "nosuch, https://app.example.com, denied: unknown alias, NONE",
            "IRC, https://app.example.com, denied: unknown alias, NONE",
            "db.internal:5432, https://app.example.com, allowed: rule, 7",
            "DB.Internal.:5432, https://app.example.com, allowed: rule, 7",
            "db.internal:5433, https://app.example.com, denied: no rule allows this target, NONE",
            "a.example.net:443, https://app.example.com, allowed: rule, 8",
            "six.example.net:443, https://app.example.com, allowed: rule, 8",
            "a.example.net:80, https://app.example.com, denied: no rule allows this target, NONE",
            "example.net:443, https://app.example.com, denied: no rule allows this target, NONE",
            "aexample.net:443, https://app.example.com, denied: no rule allows this target, NONE",
            "private.example.net:443, https://app.example.com, denied: address is private, 8",
            "x.corp.example:443, https://app.example.com, allowed: rule, 9",
            "loop.example.net:443, https://app.example.com, denied: address is loopback, 8",
            "meta.example.net:443, https://app.example.com, denied: address is metadata, 8",
            "mixed.example.net:443, https://app.example.com, denied: address is loopback, 8",
            "tunnel.example.net:443, https://app.example.com, denied: address is embedded-ipv4-tunnel, 8",
            "teredo.example.net:443, https://app.example.com, denied: address is embedded-ipv4-tunnel, 8",
            "zero.example.net:443, https://app.example.com, denied: address is unspecified, 8",
            "self.example.net:443, https://app.example.com, denied: address is gateway-own-address, 8",
            "sneaky.example.net:443, https://app.example.com, denied: deny rule, 13",
            "mapped.example.net:443, https://app.example.com, denied: deny rule, 13",
            "bad.example.net:443, https://app.example.com, denied: deny rule, 14",
            "nx.example.net:443, https://app.example.com, dns: lookup failed, 8",
            "10.1.0.5:22, https://app.example.com, allowed: rule, 10",
            "10.1.0.5:8050, https://app.example.com, allowed: rule, 10",
            "10.1.0.5:23, https://app.example.com, denied: no rule allows this target, NONE",
            "10.1.2.5:22, https://app.example.com, denied: deny rule, 13",
            "[::ffff:10.1.2.5]:22, https://app.example.com, denied: deny rule, 13",
            "[::ffff:10.1.0.5]:22, https://app.example.com, allowed: rule, 10",
            "010.1.0.5:22, https://app.example.com, denied: malformed target, NONE",
            "10.1.5:22, https://app.example.com, denied: malformed target, NONE",
            "167837957:22, https://app.example.com, denied: malformed target, NONE",
            "[2606:4700::1]:443, https://app.example.com, allowed: rule, 11",
            "[2606:4700::1%1]:443, https://app.example.com, denied: malformed target, NONE",
            "2606:4700::1:443, https://app.example.com, denied: malformed target, NONE",
            "localhost:443, https://app.example.com, denied: host name is always denied, NONE",
            "foo.localhost:443, https://app.example.com, denied: host name is always denied, NONE",
            "api.example.org:443, https://app.example.com, denied: origin not allowed for this target, 12",
            "api.example.org:443, https://other.example.com, allowed: rule, 12",
            "a.example.net:443, https://app.example.com.evil.com, denied: origin not allowed for this target, 8",
            "a.example.net:443, https://APP.example.com, allowed: rule, 8",
            "a.example.net:443, http://app.example.com, denied: origin not allowed for this target, 8",
            "a.example.net:443, null, denied: origin not allowed for this target, 8",
            "a.example.net:443, none, denied: origin not allowed for this target, 8",
            "a.example.net:443, NONE, denied: origin not allowed for this target, 8",
            "irc, https://evil.example, denied: origin not allowed for this target, 4",
            "127.0.0.1:7005, https://app.example.com, denied: address is loopback, 15",
            "a.example.net:0, https://app.example.com, denied: malformed target, NONE",
            "a.example.net:65536, https://app.example.com, denied: malformed target, NONE",
            "a.example.net:+443, https://app.example.com, denied: malformed target, NONE",
            "a.example.net:443 , https://app.example.com, allowed: rule, 8",
            "'a.example.net:443\n', https://app.example.com, denied: malformed target, NONE",
            "'', https://app.example.com, denied: malformed target, NONE",
            "a b:443, https://app.example.com, denied: malformed target, NONE"})
    void requestsGetTheirFixedReasonAndRule(String target, String origin, String reason, Integer line) {
        Decision d = Policies.decide(ENGINE, target, origin);
        assertEquals(reason, d.reason(), () -> "decision " + d);
        assertEquals(line == null ? null : "test.policy:" + line, d.rule());
        if (d.allowed()) {
            assertNotNull(d.address());
            assertNotNull(d.options());
        } else {
            assertNull(d.address());
        }
    }
}
