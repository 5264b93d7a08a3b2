package io.cometgate.client;

/** {@code xhr-streaming}: after a padding line, one base64 batch per line. */
final class XhrStreamingLink extends StreamLink {

    XhrStreamingLink(ClientSession session) {
        super(session);
    }

    @Override
    String path() {
        return "xhr-streaming";
    }

    @Override
    String batchOf(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
