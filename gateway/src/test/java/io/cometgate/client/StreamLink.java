package io.cometgate.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A streaming response read line by line: each complete line may carry one base64 batch.
 * A line cut off by a dropped connection is never decoded (the batch is resent anyway).
 */
abstract class StreamLink extends HttpLink {

    StreamLink(ClientSession session) {
        super(session);
    }

    /** The base64 batch a line carries, or {@code null} for padding, comments and other lines. */
    abstract String batchOf(String line);

    @Override
    void consume(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            session.heard();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    deliver(line.toString(StandardCharsets.US_ASCII));
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(buffer, start, n - start);
        }
        if (line.size() > 0) {
            throw new EOFException(path() + " stream ended inside a line");
        }
    }

    private void deliver(String line) throws IOException {
        String base64 = batchOf(line);
        if (base64 == null || base64.isEmpty()) {
            return;
        }
        byte[] batch;
        try {
            batch = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(path() + " sent a line that is not base64: " + e.getMessage());
        }
        session.receiveBatch(batch);
    }
}
