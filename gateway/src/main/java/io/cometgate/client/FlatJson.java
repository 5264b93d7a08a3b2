package io.cometgate.client;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the flat JSON objects the gateway sends (HELLO, OPENED): string and number values
 * only, which is all protocol v1 uses. Values come back as strings.
 */
final class FlatJson {

    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    static Map<String, String> parse(String text) {
        return new FlatJson(text).object();
    }

    private Map<String, String> object() {
        Map<String, String> values = new HashMap<>();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            return values;
        }
        while (true) {
            skipSpace();
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            values.put(key, peek() == '"' ? string() : bare());
            skipSpace();
            if (peek() == '}') {
                return values;
            }
            expect(',');
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> out.append(e);
            }
        }
    }

    private String bare() {
        int start = pos;
        while (pos < text.length() && ",} \t\r\n".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw new IllegalArgumentException("JSON ends early: " + text);
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + (pos - 1) + " in " + text);
        }
    }
}
