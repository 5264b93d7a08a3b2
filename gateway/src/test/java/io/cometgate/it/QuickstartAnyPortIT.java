package io.cometgate.it;

import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quickstart without a policy works on whatever address it is given: two gateways on two
 * free ports at once both serve the demo page and relay to their own demo echo backend,
 * neither warns about its own built-in policy, and each refuses Hosts and Origins not its own. The
 * second takes its settings from COMETGATE_* variables and a config file, as in a container.
 */
class QuickstartAnyPortIT {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void twoDemoGatewaysOnFreePortsBothServeTheDemoPageEchoAndRefuseOtherHosts() throws Exception {
        // The second one is configured as a container or a systemd drop-in would: environment and config file.
        Path conf = Files.writeString(dir.resolve("serve.conf"), "log-format = json\n");
        try (GatewayProcess first = GatewayProcess.start("--listen", "127.0.0.1:0");
             GatewayProcess second = GatewayProcess.start(Map.of("COMETGATE_LISTEN", "127.0.0.1:0",
                     "COMETGATE_CONFIG", conf.toString()), 1)) {
            assertTrue(second.output().lines().anyMatch(l -> l.startsWith("{")), "json logs from the config file:\n"
                    + second.output());
            for (GatewayProcess gateway : new GatewayProcess[] {first, second}) {
                String host = "127.0.0.1:" + gateway.http().getPort();
                PlainHttp.Response page = PlainHttp.get(gateway.http(), "/", host);
                assertEquals(200, page.status(), page.body());
                assertTrue(page.body().contains("demo.js"), page.body());
                assertEquals(200, PlainHttp.get(gateway.http(), "/", "localhost:" + gateway.http().getPort()).status());
                assertEcho(gateway.http(), host, "http://" + host);
                assertFalse(gateway.output().contains("allow-loopback"), gateway::output);
                assertFalse(gateway.output().contains("WARN"), gateway::output);
            }
            int port = first.http().getPort();
            assertEquals(403, PlainHttp.get(first.http(), "/", "evil.example:" + port).status());
            assertEquals(403, PlainHttp.get(first.http(), "/", "127.0.0.1:" + second.http().getPort()).status(),
                    "one gateway's policy names its own port only");
            IOException refused = assertThrows(IOException.class,
                    () -> WsClient.connect(first.http(), "127.0.0.1:" + port, "http://evil.example"));
            assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        }
    }

    private static void assertEcho(InetSocketAddress gateway, String host, String origin) throws IOException {
        try (WsClient client = WsClient.connect(gateway, host, origin)) {
            client.open(1, "echo");
            WsClient.Frame opened = client.await(f -> f.channel() == 1, BOUND);
            assertEquals(WsClient.OPENED, opened.type(), opened::text);
            byte[] sent = ("hello from " + host).getBytes(StandardCharsets.UTF_8);
            client.send(1, sent);
            assertArrayEquals(sent, client.readData(1, sent.length, BOUND));
        }
    }
}
