package io.cometgate.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code htmlfile}: a forever-frame; each {@code <script>p("...")</script>} line is one base64 batch. */
final class HtmlFileLink extends StreamLink {

    private static final Pattern CHUNK = Pattern.compile("<script>p\\(\"([A-Za-z0-9+/=]*)\"\\)</script>");

    HtmlFileLink(ClientSession session) {
        super(session);
    }

    @Override
    String path() {
        return "htmlfile";
    }

    @Override
    String batchOf(String line) {
        Matcher chunk = CHUNK.matcher(line.strip());
        return chunk.matches() ? chunk.group(1) : null;
    }
}
