package io.cometgate.session;

import io.netty.util.internal.OutOfDirectMemoryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one WARN line for "a buffer could not be allocated under the direct-memory cap, so this
 * connection was closed", wherever that happened: a connection's handler ({@code
 * http.DirectMemoryExhaustion}), a session's timer ({@link Session#allocationFailed}), the
 * websockify relay. Many connections hit the cap together when one client floods memory, so the
 * line comes at most once a second, with the number of closes in between. (It lives with the
 * session, the core, so that the session's timers and every edge can share it.)
 */
public final class OutOfBufferMemory {

    private static final Logger LOG = LoggerFactory.getLogger(OutOfBufferMemory.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicLong NEXT_LOG = new AtomicLong(System.nanoTime());
    private static final AtomicLong UNLOGGED = new AtomicLong();

    private OutOfBufferMemory() {
    }

    /** The cap's error in {@code cause} or its causes, or {@code null} if it is another failure. */
    public static OutOfDirectMemoryError find(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfDirectMemoryError exhausted) {
                return exhausted;
            }
        }
        return null;
    }

    /** Logs (rate-limited) that {@code closed} was closed because of {@code exhausted}; the caller counts it. */
    public static void report(Object closed, OutOfDirectMemoryError exhausted) {
        long unlogged = UNLOGGED.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_LOG.get();
        if (now - next >= 0 && NEXT_LOG.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            UNLOGGED.addAndGet(-unlogged);
            LOG.warn("direct memory exhausted: closed {} ({} connection(s) closed for this since the last line): {}",
                    closed, unlogged, exhausted.getMessage());
        }
    }
}
