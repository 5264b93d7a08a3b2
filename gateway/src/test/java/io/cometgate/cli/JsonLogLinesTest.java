package io.cometgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cometgate.policy.AuditLog;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.policy.TargetOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code --log-format json} writes, parsed back the way {@code jq} would read it. */
class JsonLogLinesTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final List<Logger> attached = new ArrayList<>();

    @BeforeEach
    void attach() {
        appender.setContext(context);
        appender.setEncoder(Logging.jsonEncoder(context));
        appender.setOutputStream(out);
        appender.start();
        for (String name : List.of(AuditLog.LOGGER, "cometgate.test")) {
            Logger logger = context.getLogger(name);
            logger.setLevel(Level.INFO);
            logger.addAppender(appender);
            attached.add(logger);
        }
    }

    @AfterEach
    void detach() {
        attached.forEach(l -> l.detachAppender(appender));
        appender.stop();
    }

    private List<JsonNode> lines() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(json.readTree(line)); // one complete object per line, or this throws
        }
        return lines;
    }

    @Test
    void anAuditDecisionIsOneFlatObjectSoJqDotVerdictWorks() throws Exception {
        InetAddress client = InetAddress.getByAddress(new byte[] {1, 2, 3, 4});
        new AuditLog().decision(new ConnectRequest("irc\n{\"forged\":1}", "https://app.example.com", client, "not.a.jwt"),
                Decision.allow("allowed: alias", "p.policy:4",
                        new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 5}), 6697), "irc.internal",
                        TargetOptions.DEFAULT));
        List<JsonNode> lines = lines();
        assertEquals(1, lines.size(), out.toString(StandardCharsets.UTF_8));
        JsonNode line = lines.get(0);
        assertEquals("ALLOW", line.get("verdict").asText());
        assertEquals("decision", line.get("event").asText());
        assertEquals("1.2.3.4", line.get("client").asText());
        assertEquals("irc\n{\"forged\":1}", line.get("target").asText(), "page text stays inside its field");
        assertEquals("10.0.0.5:6697", line.get("address").asText());
        assertEquals("present", line.get("token").asText());
        assertTrue(line.get("message").asText().startsWith("event=\"decision\" verdict=\"ALLOW\""), line.toString());
        assertEquals(AuditLog.LOGGER, line.get("logger_name").asText());
        assertEquals("INFO", line.get("level").asText());
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("not.a.jwt"));
    }

    @Test
    void theMessageIsFormattedAndTheTimeIsIso8601() throws Exception {
        LoggerFactory.getLogger("cometgate.test").info("listening on {}://{}", "http", "127.0.0.1:8080");
        JsonNode line = lines().get(0);
        assertEquals("listening on http://127.0.0.1:8080", line.get("message").asText());
        OffsetDateTime time = OffsetDateTime.parse(line.get("time").asText());
        assertTrue(Math.abs(time.toEpochSecond() - System.currentTimeMillis() / 1000) < 60, line.toString());
        assertFalse(line.has("arguments"), line.toString());
    }
}
