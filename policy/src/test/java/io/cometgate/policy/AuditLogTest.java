package io.cometgate.policy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void attach() {
        lines.start();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // whatever the test log configuration says
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void aDecisionIsOneTextLineWithoutTheToken() throws Exception {
        InetAddress client = InetAddress.getByAddress(new byte[] {1, 2, 3, 4});
        new AuditLog(false).decision(new ConnectRequest("irc", "https://app.example.com", client, "secret.jwt"),
                Decision.allow("allowed: alias", "p.policy:4",
                        new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 5}), 6697), "irc.internal",
                        TargetOptions.DEFAULT));
        assertEquals(1, lines.list.size());
        String line = lines.list.get(0).getFormattedMessage();
        assertEquals("event=\"decision\" verdict=\"ALLOW\" reason=\"allowed: alias\" rule=\"p.policy:4\" client=\"1.2.3.4\""
                + " origin=\"https://app.example.com\" target=\"irc\" address=\"10.0.0.5:6697\" token=\"present\"", line);
        assertFalse(line.contains("secret"));
    }

    @Test
    void aCloseIsOneJsonLineAndPageTextCannotForgeLines() throws Exception {
        new AuditLog(true).channelClosed(null, "https://a\"\n{\"evil\":1}", "x:1\r\nevent=fake", null, 10, 20, 30, 1000,
                "normal");
        String line = lines.list.get(0).getFormattedMessage();
        assertEquals("{\"event\":\"closed\",\"client\":null,\"origin\":\"https://a\\\"\\n{\\\"evil\\\":1}\","
                + "\"target\":\"x:1\\r\\nevent=fake\",\"address\":null,\"bytes_up\":10,\"bytes_down\":20,"
                + "\"duration_ms\":30,\"code\":1000,\"reason\":\"normal\"}", line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void lineSeparatorsAndDeleteAreEscapedAndLongPageTextIsCut() throws Exception {
        String origin = "https://a\u2028b\u2029c\u007fd";
        String target = "t".repeat(2000) + ":1";
        new AuditLog(true).channelClosed(null, origin, target, null, 0, 0, 0, 1000, "normal");
        String line = lines.list.get(0).getFormattedMessage();
        assertFalse(line.contains("\u2028") || line.contains("\u2029") || line.contains("\u007f"), line);
        assertTrue(line.length() < 800, "one request cannot write a huge line: " + line.length());
        JsonNode back = new ObjectMapper().readTree(line);
        assertEquals(origin, back.get("origin").asText());
        assertEquals("t".repeat(512) + "...", back.get("target").asText());
        assertEquals(1000, back.get("code").asInt());
        assertTrue(back.get("client").isNull());
    }
}
