package io.cometgate.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.cometgate.protocol.ProtocolJson;

/**
 * The payload of an OPEN frame: {@code {"target":"irc"}} or {@code {"target":"host:port","token":"..."}},
 * read by the protocol's Jackson reader (one object, no duplicate keys, nothing after it).
 */
record OpenRequest(String target, String token) {

    private static final int MAX_TARGET = 300;

    static OpenRequest parse(String json) {
        JsonNode fields;
        try {
            fields = ProtocolJson.readObject(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("OPEN payload must be one JSON object like {\"target\":\"irc\"}");
        }
        JsonNode target = fields.path("target");
        if (!target.isTextual() || target.asText().isEmpty() || target.asText().length() > MAX_TARGET) {
            throw new IllegalArgumentException("OPEN needs \"target\": a policy alias or host:port (at most " + MAX_TARGET + " characters)");
        }
        JsonNode token = fields.path("token");
        if (!token.isMissingNode() && !token.isNull() && !token.isTextual()) {
            throw new IllegalArgumentException("OPEN \"token\" must be a string");
        }
        return new OpenRequest(target.asText(), token.isTextual() ? token.asText() : null);
    }
}
