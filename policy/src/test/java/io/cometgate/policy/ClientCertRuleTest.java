package io.cometgate.policy;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code client-cert=} rule option: which TLS client certificate subjects reach which target. */
class ClientCertRuleTest {

    private static final String POLICY = Policies.HEADER + """
            alias ops 127.0.0.1:7001 allow-loopback client-cert=alice,bob
            alias staff 127.0.0.1:7002 allow-loopback client-cert=*
            alias open 127.0.0.1:7003 allow-loopback
            """;

    private static final PolicyEngine ENGINE = Policies.engine(POLICY, new FakeResolver());

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource(nullValues = "NONE", value = {
            "ops, 'CN=alice,O=Example', allowed: alias",
            "ops, 'CN=bob', allowed: alias",
            "ops, 'CN=mallory,O=Example', denied: client certificate not allowed for this target",
            "ops, 'O=Example', denied: client certificate not allowed for this target",
            "ops, NONE, denied: client certificate required",
            "staff, 'CN=mallory', allowed: alias",
            "staff, NONE, denied: client certificate required",
            "open, NONE, allowed: alias",
            "open, 'CN=anyone', allowed: alias",
    })
    void theRuleDecidesOnTheCertificatesCommonName(String target, String subject, String reason) {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            var f = ENGINE.evaluate(new ConnectRequest(target, "https://app.example.com", InetAddress.getLoopbackAddress(),
                    null, subject), ch.eventLoop());
            ch.runPendingTasks();
            assertEquals(reason, f.getNow().decision().reason());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void anEmptyNameIsAnErrorAtLoad() {
        PolicyParser.Result result = Policies.parse(Policies.HEADER + "alias ops 127.0.0.1:7001 allow-loopback client-cert=alice,\n");
        assertTrue(result.problems().stream().anyMatch(p -> p.render().contains("client-cert= wants common names")),
                result.problems().toString());
    }
}
