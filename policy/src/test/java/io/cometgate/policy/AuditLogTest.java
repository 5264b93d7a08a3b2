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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        new AuditLog().decision(new ConnectRequest("irc", "https://app.example.com", client, "secret.jwt"),
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
    void everyFieldIsAlsoAKeyValuePairForTheJsonEncoderAndPageTextCannotForgeLines() throws Exception {
        new AuditLog().channelClosed(null, "https://a\"\n{\"evil\":1}", "x:1\r\nevent=fake", null, 10, 20, 30, 1000,
                "normal");
        ILoggingEvent event = lines.list.get(0);
        assertEquals("event=\"closed\" client=- origin=\"https://a\\\"\\n{\\\"evil\\\":1}\" target=\"x:1\\r\\nevent=fake\""
                + " address=- bytes_up=10 bytes_down=20 duration_ms=30 code=1000 reason=\"normal\"", event.getFormattedMessage());
        Map<String, Object> fields = new LinkedHashMap<>();
        event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, kv.value));
        assertEquals(List.of("event", "client", "origin", "target", "address", "bytes_up", "bytes_down", "duration_ms",
                "code", "reason"), List.copyOf(fields.keySet()));
        assertEquals("https://a\"\n{\"evil\":1}", fields.get("origin"), "the JSON encoder escapes it");
        assertEquals(10L, fields.get("bytes_up"));
        assertEquals(1000, fields.get("code"));
    }

    @Test
    void aTokenIsRecordedBySubjectAndIdNeverItself() throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("alice").jwtID("t-42").build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
        String signedLooking = jwt.serialize();
        new AuditLog().decision(new ConnectRequest("irc", null, null, signedLooking),
                Decision.deny(Decision.Verdict.DENY, "denied: token invalid", null));
        String line = lines.list.get(0).getFormattedMessage();
        assertTrue(line.endsWith("token=\"present\" token_subject=\"alice\" token_id=\"t-42\""), line);
        assertFalse(line.contains(jwt.getSignature().toString()), line);
        assertFalse(line.contains(signedLooking.substring(0, 20)), line);
    }

    @Test
    void lineSeparatorsAndDeleteAreEscapedAndLongPageTextIsCut() throws Exception {
        String origin = "https://a\u2028b\u2029c\u007fd";
        String target = "t".repeat(2000) + ":1";
        new AuditLog().channelClosed(null, origin, target, null, 0, 0, 0, 1000, "normal");
        ILoggingEvent event = lines.list.get(0);
        String line = event.getFormattedMessage();
        assertFalse(line.contains("\u2028") || line.contains("\u2029") || line.contains("\u007f"), line);
        assertTrue(line.length() < 800, "one request cannot write a huge line: " + line.length());
        Map<String, Object> fields = new LinkedHashMap<>();
        event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, kv.value));
        assertEquals(origin, fields.get("origin"), "the JSON encoder escapes the key-value pairs itself");
        assertEquals("t".repeat(512) + "...", fields.get("target"));
        assertEquals(1000, fields.get("code"));
        assertEquals(null, fields.get("client"));
    }
}
