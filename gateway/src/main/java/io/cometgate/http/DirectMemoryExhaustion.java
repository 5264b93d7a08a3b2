package io.cometgate.http;

import io.cometgate.session.OutOfBufferMemory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a connection's handler does when a buffer for it could not be allocated under the
 * direct-memory cap: close that connection only, count it, and say so in the log
 * ({@link OutOfBufferMemory}). Netty (allocating without the JDK's cleaner, see
 * {@code cli.Main}) throws {@link OutOfDirectMemoryError} at once rather than stalling the event
 * loop, and it reaches the last handler of the pipeline as an exception like any other; it is
 * an OutOfMemoryError by type, but it is one connection's problem, not the process's.
 */
public final class DirectMemoryExhaustion {

    private DirectMemoryExhaustion() {
    }

    /** True (and the connection is closing) if {@code cause} is the cap; false for any other failure. */
    public static boolean closeIfExhausted(ChannelHandlerContext ctx, Throwable cause, LongAdder counter) {
        OutOfDirectMemoryError exhausted = OutOfBufferMemory.find(cause);
        if (exhausted == null) {
            return false;
        }
        counter.increment();
        OutOfBufferMemory.report(ctx.channel().remoteAddress(), exhausted);
        ctx.close();
        return true;
    }
}
