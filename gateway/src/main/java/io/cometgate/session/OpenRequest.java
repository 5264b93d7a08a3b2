package io.cometgate.session;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.Map;

/**
 * The payload of an OPEN frame: {@code {"target":"irc"}} or {@code {"target":"host:port","token":"..."}}.
 * Parsed with the JSON reader nimbus-jose-jwt already brings (the policy's token library),
 * rather than by hand.
 */
record OpenRequest(String target, String token) {

    private static final int MAX_TARGET = 300;

    static OpenRequest parse(String json) {
        Map<String, Object> fields;
        try {
            fields = JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("OPEN payload must be a JSON object like {\"target\":\"irc\"}");
        }
        Object target = fields.get("target");
        if (!(target instanceof String text) || text.isEmpty() || text.length() > MAX_TARGET) {
            throw new IllegalArgumentException("OPEN needs \"target\": a policy alias or host:port (at most " + MAX_TARGET + " characters)");
        }
        Object token = fields.get("token");
        if (token != null && !(token instanceof String)) {
            throw new IllegalArgumentException("OPEN \"token\" must be a string");
        }
        return new OpenRequest(text, (String) token);
    }
}
