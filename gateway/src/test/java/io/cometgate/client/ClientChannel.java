package io.cometgate.client;

import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One virtual socket of a {@link ClientSession}. Writes block while the upstream credit is
 * spent; reads block until data arrives, and grant the gateway downstream credit as they
 * consume it, so an application that stops reading stops the gateway reading the backend.
 * Guarded by the session's lock.
 */
public final class ClientChannel {

    /** The OPENED answer: the backend's address and the upstream window. */
    public record Opened(String remoteAddress, int remotePort, int window) {
    }

    /** How the channel ended, and how many bytes had arrived by then. */
    public record Closed(int code, String reason, long bytesReceived) {
    }

    private final ClientSession session;
    private final Object lock;
    private final int id;
    private final String target;
    private final int maxFrame;
    private final int creditStep;
    private final CompletableFuture<Opened> opened = new CompletableFuture<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int headOffset;
    private long upCredit;
    private long creditReceived;
    private long bytesWritten;
    private long downAllowed;
    private long bytesReceived;
    private long consumedUngranted;
    private boolean ended;
    /** Writers blocked for lack of credit (the watchdog probes a quiet downstream meanwhile). */
    private int writersWaiting;

    ClientChannel(ClientSession session, int id, String target, int window, int maxFrame) {
        this.session = session;
        this.lock = session.lock();
        this.id = id;
        this.target = target;
        this.maxFrame = maxFrame;
        this.creditStep = Math.max(1, window / 4);
        this.upCredit = window;
        this.downAllowed = window;
    }

    public int id() {
        return id;
    }

    public String target() {
        return target;
    }

    public CompletableFuture<Opened> opened() {
        return opened;
    }

    /** Completes when the channel ends; data that arrived before stays readable. */
    public CompletableFuture<Closed> closed() {
        return closed;
    }

    // ---- writing ---------------------------------------------------------------------------

    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /** Sends bytes, blocking while the gateway has granted no credit; fails once the channel is closed. */
    public void write(byte[] data, int offset, int length) throws IOException {
        while (length > 0) {
            synchronized (lock) {
                while (upCredit <= 0 && !ended) {
                    writersWaiting++;
                    try {
                        awaitLock();
                    } finally {
                        writersWaiting--;
                    }
                }
                if (ended) {
                    Closed how = closed.getNow(null);
                    throw new ChannelClosedException(id, how.code(), how.reason());
                }
                int n = (int) Math.min(Math.min(length, upCredit), maxFrame);
                session.enqueue(FrameType.DATA, id, data, offset, n);
                upCredit -= n;
                bytesWritten += n;
                offset += n;
                length -= n;
            }
        }
    }

    /** Whether this channel waits for the gateway: a writer for credit, or the channel for its OPENED (caller holds the lock). */
    boolean waitingForGateway() {
        return !ended && (writersWaiting > 0 || !opened.isDone());
    }

    /** Bytes the gateway would accept right now (tests: a stalled backend leaves this at 0). */
    public long upstreamCredit() {
        synchronized (lock) {
            return upCredit;
        }
    }

    public long bytesWritten() {
        synchronized (lock) {
            return bytesWritten;
        }
    }

    // ---- reading ---------------------------------------------------------------------------

    /** Reads what has arrived, blocking until something has; -1 once the channel ended and all was read. */
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        synchronized (lock) {
            while (inbound.isEmpty()) {
                if (ended) {
                    return -1;
                }
                awaitLock();
            }
            byte[] head = inbound.peekFirst();
            int n = Math.min(length, head.length - headOffset);
            System.arraycopy(head, headOffset, buffer, offset, n);
            headOffset += n;
            if (headOffset == head.length) {
                inbound.pollFirst();
                headOffset = 0;
            }
            consume(n);
            return n;
        }
    }

    /** Grants the consumed bytes back to the gateway in steps, so CREDIT frames stay few. */
    private void consume(int n) {
        consumedUngranted += n;
        if (consumedUngranted >= creditStep && !ended) {
            session.enqueue(FrameType.CREDIT, id, ClientFrames.count(consumedUngranted));
            downAllowed += consumedUngranted;
            consumedUngranted = 0;
        }
    }

    public int available() {
        synchronized (lock) {
            long total = -headOffset;
            for (byte[] chunk : inbound) {
                total += chunk.length;
            }
            return (int) Math.min(Integer.MAX_VALUE, total);
        }
    }

    public long bytesReceived() {
        synchronized (lock) {
            return bytesReceived;
        }
    }

    /** The channel's bytes as a stream; reading it grants credit. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return ClientChannel.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ClientChannel.this.read(b, off, len);
            }

            @Override
            public int available() {
                return ClientChannel.this.available();
            }
        };
    }

    // ---- closing ---------------------------------------------------------------------------

    /** Closes the channel (CLOSE 1000): the gateway writes what it holds to the backend, then closes it. */
    public void close() {
        synchronized (lock) {
            if (ended) {
                return;
            }
            session.enqueue(FrameType.CLOSE, id, ClientFrames.code(CloseCode.NORMAL.code(), ""));
            closedBy(CloseCode.NORMAL.code(), "closed by the client");
        }
    }

    /** Ends the channel locally (caller holds the lock). */
    void closedBy(int code, String reason) {
        if (ended) {
            return;
        }
        ended = true;
        session.forget(this);
        opened.completeExceptionally(new ChannelClosedException(id, code, reason));
        closed.complete(new Closed(code, reason, bytesReceived));
        lock.notifyAll();
    }

    // ---- frames from the gateway (caller holds the lock) ----------------------------------

    void receive(ClientFrames.InFrame frame) throws ProtocolException {
        switch (frame.type()) {
            case OPENED -> onOpened(frame.text());
            case DATA -> {
                bytesReceived += frame.payload().length;
                if (bytesReceived > downAllowed) {
                    throw new ProtocolException("channel " + id + ": gateway sent " + (bytesReceived - downAllowed)
                            + " bytes beyond the granted credit");
                }
                inbound.add(frame.payload());
            }
            case CREDIT -> {
                long n = frame.count();
                upCredit += n;
                creditReceived += n;
            }
            case CLOSE -> closedBy(frame.code(), frame.reason());
            default -> throw new ProtocolException("unexpected " + frame.type() + " on channel " + id);
        }
    }

    private void onOpened(String json) throws ProtocolException {
        try {
            Map<String, String> answer = ClientFrames.jsonFields(json);
            int window = Integer.parseInt(answer.get("window"));
            // The HELLO window was assumed until now; OPENED's is authoritative.
            upCredit = window + creditReceived - bytesWritten;
            opened.complete(new Opened(answer.get("remoteAddress"), Integer.parseInt(answer.get("remotePort")), window));
        } catch (RuntimeException e) {
            throw new ProtocolException("unreadable OPENED on channel " + id + ": " + json);
        }
    }

    private void awaitLock() throws InterruptedIOException {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted on channel " + id);
        }
    }

    @Override
    public String toString() {
        return "channel " + id + " -> " + target;
    }
}
