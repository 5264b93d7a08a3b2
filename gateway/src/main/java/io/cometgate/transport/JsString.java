package io.cometgate.transport;

/**
 * Quotes text as a JavaScript string literal that is also safe inside an HTML script
 * element: {@code < > &}, quotes, backslashes, control characters and U+2028/U+2029 are
 * escaped, so no input can end the script or the string.
 */
final class JsString {

    private JsString() {
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'' || c == 0x2028 || c == 0x2029 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
