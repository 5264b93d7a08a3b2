package io.cometgate.client;

import io.cometgate.testing.CounterStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CounterStream} written up a channel and the backend's counter stream read down it,
 * each byte checked against its offset, with every pause in the downstream recorded: the
 * chaos and partition tests' byte-exact accounting and stall clock.
 */
final class CounterTraffic {

    /** A pause in the downstream: nothing read from {@code fromNanos} to {@code toNanos}. */
    record Gap(long fromNanos, long toNanos) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
        }
    }

    private static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_GAPS = 100_000;

    private final ClientChannel channel;
    private final int chunk;
    private final long pauseMillis;
    private final Thread writer;
    private final Thread reader;
    private final List<Gap> gaps = new ArrayList<>();
    private volatile boolean writing = true;
    private volatile long written;
    private volatile long received;
    private volatile long lastReadNanos;
    private volatile String failure;

    /** Writes {@code chunk} bytes then pauses {@code pauseMillis} (0: as fast as credit allows). */
    CounterTraffic(ClientChannel channel, int chunk, long pauseMillis) {
        this.channel = channel;
        this.chunk = chunk;
        this.pauseMillis = pauseMillis;
        this.writer = daemon(this::write, "counter-writer");
        this.reader = daemon(this::read, "counter-reader");
    }

    CounterTraffic start() {
        writer.start();
        reader.start();
        return this;
    }

    long written() {
        return written;
    }

    long received() {
        return received;
    }

    /** When bytes were last read (0: never). */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** The first wrong byte or failure, or null. */
    String failure() {
        return failure;
    }

    /** Pauses of 200 ms or more in the downstream, in order (the one under way is not included). */
    synchronized List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    Gap longestGap() {
        Gap longest = new Gap(0, 0);
        for (Gap gap : gaps()) {
            if (gap.toNanos() - gap.fromNanos() > longest.toNanos() - longest.fromNanos()) {
                longest = gap;
            }
        }
        return longest;
    }

    /** The pause under way at {@code nanos}, or null if bytes were read around then. */
    Gap gapAt(long nanos) {
        for (Gap gap : gaps()) {
            if (gap.fromNanos() <= nanos && nanos <= gap.toNanos()) {
                return gap;
            }
        }
        return null;
    }

    /** Stops the upstream once the write under way is done; {@link #written()} is final then. */
    void stopWriting() throws InterruptedException {
        writing = false;
        writer.join(TimeUnit.SECONDS.toMillis(60));
    }

    /** Waits until {@code total} bytes were read (or a failure); false on timeout. */
    boolean awaitReceived(long total, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (received < total && failure == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return received >= total;
    }

    private void write() {
        byte[] buffer = new byte[chunk];
        try {
            while (writing) {
                CounterStream.fill(buffer, chunk, written);
                channel.write(buffer, 0, chunk);
                written += chunk;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (IOException e) {
            fail("upload failed after " + written + " bytes: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        byte[] buffer = new byte[64 * 1024];
        long lastRead = System.nanoTime();
        try {
            int n;
            while ((n = channel.read(buffer, 0, buffer.length)) > 0) {
                long now = System.nanoTime();
                if (now - lastRead >= GAP_NANOS) {
                    recordGap(new Gap(lastRead, now));
                }
                lastRead = now;
                lastReadNanos = now;
                int wrong = CounterStream.firstMismatch(buffer, n, received);
                if (wrong >= 0) {
                    fail("downstream offset " + (received + wrong) + ": expected " + CounterStream.at(received + wrong)
                            + ", got " + buffer[wrong] + " (a byte lost, duplicated or reordered)");
                    return;
                }
                received += n;
            }
        } catch (IOException e) {
            fail("download failed after " + received + " bytes: " + e);
        }
    }

    private synchronized void recordGap(Gap gap) {
        if (gaps.size() < MAX_GAPS) {
            gaps.add(gap);
        }
    }

    private void fail(String why) {
        if (failure == null) {
            failure = channel + ": " + why;
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
