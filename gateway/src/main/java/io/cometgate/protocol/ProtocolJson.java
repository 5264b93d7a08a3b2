package io.cometgate.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON of protocol v1's control payloads (HELLO, OPEN, OPENED; docs/PROTOCOL.md), read and
 * written by one shared Jackson mapper: compact output, field order as declared, and strict
 * input (one object, no duplicate keys, nothing after it).
 */
public final class ProtocolJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * HELLO: the session's id, what it has received, and its timers and limits. {@code probe}:
     * a HEARTBEAT from the client is answered at once on the downstream (docs/PROTOCOL.md
     * "Liveness"), so a client may probe a quiet downstream; older gateways leave it out.
     */
    @JsonPropertyOrder({"v", "session", "ack", "heartbeatMs", "timeoutMs", "maxFrame", "maxMessage", "window", "probe"})
    public record Hello(int v, String session, long ack, long heartbeatMs, long timeoutMs, int maxFrame,
                        int maxMessage, int window, boolean probe) {
    }

    /** OPEN: an alias or host:port, and a signed token when the policy asks for one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"target", "token"})
    public record Open(String target, String token) {
    }

    /** OPENED: the address actually connected to and the channel's initial credit. */
    @JsonPropertyOrder({"remoteAddress", "remotePort", "window"})
    public record Opened(String remoteAddress, int remotePort, int window) {
    }

    private ProtocolJson() {
    }

    /** {@code value} (a record or a map) as one compact JSON object. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable as protocol JSON: " + value.getClass(), e);
        }
    }

    /** Parses exactly one JSON object, or throws an {@link IllegalArgumentException} saying so. */
    public static JsonNode readObject(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return node;
    }
}
