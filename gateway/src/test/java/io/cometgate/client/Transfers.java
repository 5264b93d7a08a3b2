package io.cometgate.client;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checksummed echo transfers for the integration tests: random bytes up, the same bytes back. */
final class Transfers {

    private Transfers() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code size} seeded random bytes on a writer thread while this thread reads the echo;
     * asserts the echo has the same length and SHA-256.
     */
    static void echoChecksummed(ClientChannel channel, long size, long seed, long timeoutSeconds) throws Exception {
        MessageDigest sent = sha256();
        CompletableFuture<byte[]> upload = CompletableFuture.supplyAsync(() -> {
            Random random = new Random(seed);
            byte[] chunk = new byte[48 * 1024];
            long left = size;
            try {
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    random.nextBytes(chunk);
                    channel.write(chunk, 0, n);
                    sent.update(chunk, 0, n);
                    left -= n;
                }
            } catch (IOException e) {
                throw new IllegalStateException("upload failed on " + channel, e);
            }
            return sent.digest();
        }, Transfers::daemon);
        MessageDigest received = sha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (total < size) {
            int n = channel.read(buffer, 0, (int) Math.min(buffer.length, size - total));
            if (n < 0) {
                throw new AssertionError(channel + " ended after " + total + " of " + size + " bytes: "
                        + channel.closed().getNow(null));
            }
            received.update(buffer, 0, n);
            total += n;
            if (System.nanoTime() > deadline) {
                throw new AssertionError(channel + " too slow: " + total + " of " + size + " bytes");
            }
        }
        assertEquals(size, total);
        assertArrayEquals(upload.get(timeoutSeconds, TimeUnit.SECONDS), received.digest(), channel + " checksum");
    }

    static void daemon(Runnable task) {
        Thread thread = new Thread(task, "test-writer");
        thread.setDaemon(true);
        thread.start();
    }
}
