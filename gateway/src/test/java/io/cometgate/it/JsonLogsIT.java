package io.cometgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve --log-format json} as an operator's log shipper reads it: every stderr line is one
 * flat JSON object, and a channel's decision and closed audit lines share a correlation id.
 */
class JsonLogsIT {

    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";

    @TempDir
    Path dir;

    @Test
    void everyLogLineIsAFlatJsonObjectAndAChannelsAuditLinesShareACorrelationId() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (EchoBackend echo = new EchoBackend()) {
            Path policy = PolicyFile.write(dir.resolve("json.policy"), HOST, ORIGIN,
                    "alias echo " + echo.target() + " allow-loopback");
            try (GatewayProcess gateway = GatewayProcess.withPolicy(policy, "--log-format", "json");
                 WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
                client.open(1, "echo");
                assertEquals(WsClient.OPENED, client.await(f -> f.channel() == 1, BOUND).type());
                gateway.terminate(); // the drain closes the channel with 4010: its closed line follows
                assertEquals(0, gateway.awaitExit(BOUND), gateway::output);
                assertTrue(gateway.awaitOutput("\"event\":\"closed\"", BOUND), gateway::output);

                List<JsonNode> lines = new ArrayList<>();
                for (String line : gateway.output().split("\n")) {
                    if (!line.startsWith("cometgate is listening on")) { // stdout, for scripts
                        lines.add(json.readTree(line));
                    }
                }
                JsonNode decision = null;
                JsonNode closed = null;
                for (JsonNode line : lines) {
                    assertNotNull(line.get("time"), line.toString());
                    OffsetDateTime.parse(line.get("time").asText());
                    if ("decision".equals(line.path("event").asText())) {
                        decision = line;
                    } else if ("closed".equals(line.path("event").asText())) {
                        closed = line;
                    }
                }
                assertNotNull(decision, gateway.output());
                assertNotNull(closed, gateway.output());
                assertEquals("ALLOW", decision.get("verdict").asText());
                assertEquals(4010, closed.get("code").asInt());
                assertEquals(decision.get("correlation_id").asText(), closed.get("correlation_id").asText());
                assertTrue(decision.get("correlation_id").asText().matches("[0-9a-f]{8}-[0-9a-z]+"), decision.toString());
            }
        }
    }
}
