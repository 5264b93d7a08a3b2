package io.cometgate.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the flat JSON objects protocol v1 uses (HELLO, OPEN, OPENED): string and number
 * values only. Values come back as strings; anything else is refused.
 */
public final class FlatJson {

    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    /** Parses one object; throws IllegalArgumentException naming what is wrong. */
    public static Map<String, String> parse(String text) {
        try {
            FlatJson json = new FlatJson(text);
            Map<String, String> values = json.object();
            json.skipSpace();
            if (json.pos != text.length()) {
                throw new IllegalArgumentException("trailing text after the object: " + text);
            }
            return values;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed JSON: " + text);
        }
    }

    /** {@code text} as a JSON string literal. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private Map<String, String> object() {
        Map<String, String> values = new HashMap<>();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
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
                pos++;
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
