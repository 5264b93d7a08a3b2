package io.cometgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.internal.OutOfDirectMemoryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a connection's handler does when a buffer for it could not be allocated under the
 * direct-memory cap: close that connection only, count it, and say so in the log. Netty
 * (allocating without the JDK's cleaner, see {@code cli.Main}) throws
 * {@link OutOfDirectMemoryError} at once rather than stalling the event loop, and it reaches
 * the last handler of the pipeline as an exception like any other; it is an OutOfMemoryError
 * by type, but it is one connection's problem, not the process's.
 *
 * <p>Many connections hit the cap together when one client floods memory, so the log says it
 * at most once a second, with the number of closes in between.
 */
public final class DirectMemoryExhaustion {

    private static final Logger LOG = LoggerFactory.getLogger(DirectMemoryExhaustion.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicLong NEXT_LOG = new AtomicLong(System.nanoTime());
    private static final AtomicLong UNLOGGED = new AtomicLong();

    private DirectMemoryExhaustion() {
    }

    /** True (and the connection is closing) if {@code cause} is the cap; false for any other failure. */
    public static boolean closeIfExhausted(ChannelHandlerContext ctx, Throwable cause, LongAdder counter) {
        OutOfDirectMemoryError exhausted = find(cause);
        if (exhausted == null) {
            return false;
        }
        counter.increment();
        long unlogged = UNLOGGED.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_LOG.get();
        if (now - next >= 0 && NEXT_LOG.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            UNLOGGED.addAndGet(-unlogged);
            LOG.warn("direct memory exhausted: closed {} ({} connection(s) closed for this since the last line): {}",
                    ctx.channel().remoteAddress(), unlogged, exhausted.getMessage());
        }
        ctx.close();
        return true;
    }

    private static OutOfDirectMemoryError find(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfDirectMemoryError exhausted) {
                return exhausted;
            }
        }
        return null;
    }
}
