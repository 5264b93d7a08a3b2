package io.cometgate.transport;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class JsStringTest {

    @Property(tries = 2000)
    void anyStringQuotesToALiteralWithoutHtmlOrLineSeparatorsThatUnescapesToItself(@ForAll String text) {
        assertSafeRoundTrip(text);
    }

    @Property(tries = 1000)
    void scriptBreakingCharactersAreAlwaysEscaped(
            @ForAll @CharRange(from = '\u0000', to = '\u007f') @CharRange(from = '\u2028', to = '\u2029') String text) {
        assertSafeRoundTrip("</script>" + text + "<!--" + text + "]]>");
    }

    private static void assertSafeRoundTrip(String text) {
        String quoted = JsString.quote(text);
        for (char bad : new char[] {'<', '>', '&', '\u2028', '\u2029', '\n', '\r'}) {
            assertFalse(quoted.indexOf(bad) >= 0, () -> "unescaped U+" + Integer.toHexString(bad) + " in " + quoted);
        }
        assertEquals(text, jsUnescape(quoted));
    }

    /** Reads a double-quoted JavaScript string literal the way a JS engine would. */
    private static String jsUnescape(String literal) {
        assertEquals('"', literal.charAt(0));
        assertEquals('"', literal.charAt(literal.length() - 1));
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c == '"') {
                throw new AssertionError("unescaped quote ends the literal early: " + literal);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case 'u' -> {
                    out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\' -> out.append('\\');
                case '"' -> out.append('"');
                case '\'' -> out.append('\'');
                default -> throw new AssertionError("unexpected escape \\" + e);
            }
        }
        return out.toString();
    }
}
