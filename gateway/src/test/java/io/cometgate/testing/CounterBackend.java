package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real TCP backend on 127.0.0.1 for byte-exact accounting in both directions: it checks that
 * what it receives is the {@link CounterStream} from offset 0, and sends the same stream back
 * (its own, not an echo, so an upstream fault cannot hide in the downstream check) until
 * {@link #stopSending()}. One connection at a time is expected (one channel).
 */
public final class CounterBackend implements AutoCloseable {

    /** A pause in the upstream: nothing received from {@code fromNanos} to {@code toNanos}. */
    public record Pause(long fromNanos, long toNanos) {
    }

    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_PAUSES = 100_000;

    private final ServerSocket server;
    private final int chunk;
    private final long pauseMillis;
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final AtomicReference<String> mismatch = new AtomicReference<>();
    private final List<Pause> pauses = new ArrayList<>();
    private volatile boolean sending = true;
    private volatile boolean senderDone;
    private volatile Socket socket;
    private volatile long lastReadNanos;

    /** Sends {@code chunk} bytes, then pauses {@code pauseMillis} (0: as fast as the gateway takes them). */
    public CounterBackend(int chunk, long pauseMillis) throws IOException {
        this.chunk = chunk;
        this.pauseMillis = pauseMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread acceptor = new Thread(this::acceptLoop, "counter-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String target() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes received that were checked and right. */
    public long verified() {
        return verified.get();
    }

    /** Bytes sent so far; final once {@link #stopSending()} returned. */
    public long sent() {
        return sent.get();
    }

    /** The first wrong byte received ("offset N: expected X, got Y"), or null. */
    public String mismatch() {
        return mismatch.get();
    }

    /** The longest time between two reads that brought bytes (an upstream stall). */
    public long longestGapMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestGapNanos.get());
    }

    /** When bytes were last received (0: never). */
    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** Pauses of 200 ms or more in the upstream, in order (the one under way is not included). */
    public synchronized List<Pause> pauses() {
        return List.copyOf(pauses);
    }

    /** Stops the downstream and waits until the sender wrote its last chunk. */
    public void stopSending() throws InterruptedException {
        sending = false;
        while (socket != null && !senderDone) {
            Thread.sleep(10);
        }
    }

    private void acceptLoop() {
        try {
            Socket accepted = server.accept();
            socket = accepted;
            Thread sender = new Thread(() -> send(accepted), "counter-backend-sender");
            sender.setDaemon(true);
            sender.start();
            check(accepted);
        } catch (IOException e) {
            // closed by the test
        }
    }

    private void check(Socket connection) {
        byte[] buffer = new byte[32 * 1024];
        long offset = 0;
        long lastRead = 0;
        try (InputStream in = connection.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                long now = System.nanoTime();
                if (lastRead != 0) {
                    longestGapNanos.accumulateAndGet(now - lastRead, Math::max);
                    if (now - lastRead >= PAUSE_NANOS) {
                        recordPause(new Pause(lastRead, now));
                    }
                }
                lastRead = now;
                lastReadNanos = now;
                int wrong = CounterStream.firstMismatch(buffer, n, offset);
                if (wrong >= 0) {
                    mismatch.compareAndSet(null, "offset " + (offset + wrong) + ": expected "
                            + CounterStream.at(offset + wrong) + ", got " + buffer[wrong]);
                    return;
                }
                offset += n;
                verified.set(offset);
            }
        } catch (IOException e) {
            // the gateway closed the channel: the test compares the counts
        }
    }

    private synchronized void recordPause(Pause pause) {
        if (pauses.size() < MAX_PAUSES) {
            pauses.add(pause);
        }
    }

    private void send(Socket connection) {
        byte[] buffer = new byte[chunk];
        try {
            OutputStream out = connection.getOutputStream();
            while (sending) {
                long offset = sent.get();
                CounterStream.fill(buffer, chunk, offset);
                out.write(buffer, 0, chunk);
                sent.addAndGet(chunk);
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (IOException e) {
            // the channel closed: the test compares the counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            senderDone = true;
        }
    }

    @Override
    public void close() throws IOException {
        sending = false;
        server.close();
        Socket connection = socket;
        if (connection != null) {
            connection.close();
        }
    }
}
