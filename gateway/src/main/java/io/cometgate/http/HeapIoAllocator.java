package io.cometgate.http;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * Buffers for the admin listener: every buffer its handlers and its socket reads ask for is a
 * heap buffer, none comes out of the direct memory that Netty caps for the browser-facing
 * listeners. On the NIO transport (which the admin listener uses for this reason) the JDK then
 * moves the bytes through its own small per-thread direct buffers, which the JDK's pool
 * accounts for, not Netty's cap; and a heap buffer that NIO is given to write it writes as it is
 * (it copies one into direct memory only when the allocator pools direct buffers). So at Netty's
 * cap a probe or a scrape still gets its answer (issue 11; {@code hostile/DirectMemoryCapIT}).
 *
 * <p>Only {@link #ioBuffer} differs from a plain unpooled heap allocator: Netty asks for an
 * "I/O buffer" for every socket read and makes it direct whenever it can.
 */
final class HeapIoAllocator extends AbstractByteBufAllocator {

    HeapIoAllocator() {
        super(false);
    }

    @Override
    public ByteBuf ioBuffer() {
        return heapBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    /** Nothing on the admin path asks for one; if something does, it is an ordinary (capped) one. */
    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }
}
