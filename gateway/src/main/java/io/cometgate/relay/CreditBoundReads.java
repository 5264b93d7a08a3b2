package io.cometgate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How a backend connection reads: Netty's adaptive read sizes (shared), each read no larger
 * than the channel's allowance (its credit, and the room below its session's retransmit bound
 * plus 64 KiB), and after each read another one in the same {@code read()} request, up to
 * {@link #MAX_READS} and {@link #MAX_BYTES} together, while the socket may have
 * more and the channel can pass more on (credit left, nothing held, the session keeping up).
 * Netty's own handles read once per request when auto-read is off (ours is), which cost a trip
 * through the event loop per read in bulk; reading on while credit lasts lets one loop turn
 * move several reads and one flush batch several frames. A read sized to the allowance brings
 * nothing the client cannot take yet, so a channel holds nothing beyond its credit (but the
 * tail Netty drains after a backend's EOF), and a session goes past its bound by at most
 * 64 KiB per channel, as when reads were at most 64 KiB.
 */
final class CreditBoundReads implements RecvByteBufAllocator {

    /** Reads per request at most, so that one busy channel cannot keep its loop from others for long (Netty's default too). */
    static final int MAX_READS = 16;
    /** Bytes per request at most, for the same reason: what 16 reads brought when a read was at most 64 KiB. */
    static final long MAX_BYTES = 1024 * 1024;

    /**
     * What the channel tells its reads. Implemented by the channel itself rather than passed as
     * two method references: those were two more objects in every idle session's heap.
     */
    interface Allowance {
        /** Whether another read would go straight out (credit left, nothing held, the session keeping up). */
        boolean canTakeAnotherRead();

        /** The most the next read may bring, in bytes. */
        long readAllowance();
    }

    private final RecvByteBufAllocator sizes;
    private final Allowance channel;

    /** {@code sizes} must hand out extended handles (every Netty allocator does). */
    CreditBoundReads(RecvByteBufAllocator sizes, Allowance channel) {
        this.sizes = sizes;
        this.channel = channel;
    }

    @Override
    public Handle newHandle() {
        return new BoundHandle((ExtendedHandle) sizes.newHandle(), channel);
    }

    /** The sizing handle's sizes, cut to the allowance; "read again" is decided here, by the channel. */
    private static final class BoundHandle implements ExtendedHandle {
        private final ExtendedHandle sizes;
        private final Allowance channel;
        private int reads;
        private long bytes;

        BoundHandle(ExtendedHandle sizes, Allowance channel) {
            this.sizes = sizes;
            this.channel = channel;
        }

        private boolean withinRequest() {
            return reads < MAX_READS && bytes < MAX_BYTES;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return withinRequest() && lastBytesRead() > 0 && maybeMoreData.get() && channel.canTakeAnotherRead();
        }

        @Override
        public boolean continueReading() {
            // No supplier here: this runs after every read on the event loop, and a capturing
            // lambda would be an allocation per read
            return withinRequest() && lastBytesRead() > 0 && attemptedBytesRead() == lastBytesRead()
                    && channel.canTakeAnotherRead();
        }

        /**
         * The adaptive size, or the allowance if that is less. Without any (Netty drains a
         * half-closed socket regardless of read requests) the adaptive size stands.
         */
        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            int guess = sizes.guess();
            long left = channel.readAllowance();
            return alloc.ioBuffer(left > 0 && left < guess ? (int) left : guess);
        }

        @Override
        public int guess() {
            return sizes.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            reads = 0;
            bytes = 0;
            sizes.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            reads += numMessages;
            sizes.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int read) {
            if (read > 0) {
                bytes += read;
            }
            sizes.lastBytesRead(read);
        }

        @Override
        public int lastBytesRead() {
            return sizes.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            sizes.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return sizes.attemptedBytesRead();
        }

        @Override
        public void readComplete() {
            sizes.readComplete();
        }
    }
}
