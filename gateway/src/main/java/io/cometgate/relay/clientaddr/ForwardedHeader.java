package io.cometgate.relay.clientaddr;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code for=} node of each element of RFC 7239 {@code Forwarded} headers.
 *
 * <p>Grammar (section 4): elements separated by ',', pairs by ';', {@code token=value} where value is a
 * token or a quoted-string; quoted strings may contain ',' and ';', so the split is quote-aware.
 * An element without {@code for} becomes an empty node, which the walk treats as "unknown".
 */
final class ForwardedHeader {

    private ForwardedHeader() {
    }

    /** The {@code for} nodes of every element of every header line in order, or null if malformed. */
    static List<String> forValues(List<String> headerLines) {
        List<String> out = new ArrayList<>();
        for (String line : headerLines) {
            for (String element : split(line, ',')) {
                if (element == null) {
                    return null;
                }
                String node = forOf(element);
                if (node == null) {
                    return null;
                }
                out.add(node);
            }
        }
        return out;
    }

    /** The {@code for} value of one element ("" if absent), or null if the element is malformed. */
    private static String forOf(String element) {
        String found = "";
        for (String pair : split(element, ';')) {
            if (pair == null) {
                return null;
            }
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String name = ForwardedFor.lower(p.substring(0, eq).trim());
            String value = unquote(p.substring(eq + 1).trim());
            if (value == null) {
                return null;
            }
            if (name.equals("for")) {
                found = value;
            }
        }
        return found;
    }

    /** Splits on {@code separator} outside quoted strings; a null part marks an unterminated quote. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(quoted ? null : current.toString());
        return parts;
    }

    /** A token as is, a quoted-string without quotes and escapes, or null if the quoting is broken. */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value.indexOf('"') >= 0 ? null : value;
        }
        if (value.length() < 2 || !value.endsWith("\"")) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            } else if (c == '"' || c == '\\') {
                return null;
            }
            out.append(c);
        }
        return out.toString();
    }
}
