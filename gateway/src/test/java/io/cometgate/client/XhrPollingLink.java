package io.cometgate.client;

/** {@code xhr-polling}: the answer is the base64 batch as text. */
final class XhrPollingLink extends PollLink {

    XhrPollingLink(ClientSession session) {
        super(session);
    }

    @Override
    String path() {
        return "xhr-polling";
    }

    @Override
    String batchOf(String body) {
        return body.strip();
    }
}
