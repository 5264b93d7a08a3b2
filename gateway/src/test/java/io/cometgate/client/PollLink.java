package io.cometgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A long-poll: one response, one base64 batch; every poll's {@code ack} acknowledges the previous answer. */
abstract class PollLink extends HttpLink {

    PollLink(ClientSession session) {
        super(session);
    }

    /** The base64 batch inside a whole response body. */
    abstract String batchOf(String body) throws IOException;

    @Override
    void consume(InputStream in) throws IOException {
        String body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        byte[] batch;
        try {
            batch = Base64.getDecoder().decode(batchOf(body));
        } catch (IllegalArgumentException e) {
            throw new IOException(path() + " answer is not base64: " + e.getMessage());
        }
        session.receiveBatch(batch);
    }

    @Override
    public boolean acksByPoll() {
        return true;
    }
}
