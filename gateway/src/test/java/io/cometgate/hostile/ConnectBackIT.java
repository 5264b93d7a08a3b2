package io.cometgate.hostile;

import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import io.cometgate.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rule that reaches loopback and covers the gateway's own port must still not let a page
 * open a channel to the gateway itself (it would answer /metrics, or relay to itself).
 */
@Timeout(30)
class ConnectBackIT {

    @Test
    void aChannelToTheGatewaysOwnListenerIsDeniedWithItsOwnReasonEvenWhenThePolicyAllowsIt() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture()) {
            gateway.decider.allowPort(gateway.port()); // the policy's mistake: loopback allowed on the gateway's port
            try (WsClient client = WsClient.connect(new InetSocketAddress("127.0.0.1", gateway.port()),
                    gateway.hostPort(), TestDecider.ORIGIN)) {
                client.open(1, gateway.hostPort());
                WsClient.Frame answer = client.await(f -> f.channel() == 1
                        && (f.type() == WsClient.OPENED || f.type() == WsClient.CLOSE), Duration.ofSeconds(10));
                assertEquals(WsClient.CLOSE, answer.type(), "the gateway opened a channel to itself: " + answer.text());
                assertEquals(4004, answer.closeCode());
                assertTrue(answer.closeReason().contains("connect-back"), answer.closeReason());
                assertTrue(answer.closeReason().contains(gateway.hostPort()), answer.closeReason());
            }
        }
    }
}
