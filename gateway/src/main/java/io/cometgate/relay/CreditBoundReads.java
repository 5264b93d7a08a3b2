package io.cometgate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

import java.util.function.BooleanSupplier;

/**
 * How a backend connection reads: Netty's adaptive read sizes (shared), and after each read
 * another one in the same {@code read()} request, up to {@link #MAX_READS}, while the socket
 * may have more and the channel can pass more on (credit left, nothing held, the session
 * keeping up). Netty's own handles read once per request when auto-read is off (ours is),
 * which cost a trip through the event loop per 64 KiB in bulk; reading on while credit lasts
 * lets one loop turn move several reads and one flush batch several frames, and a channel
 * still holds at most one read beyond its credit.
 */
final class CreditBoundReads implements RecvByteBufAllocator {

    /** Reads per request at most, so that one busy channel cannot keep its loop from others for long (Netty's default too). */
    static final int MAX_READS = 16;

    private final RecvByteBufAllocator sizes;
    private final BooleanSupplier canTakeMore;

    /** {@code sizes} must hand out extended handles (every Netty allocator does). */
    CreditBoundReads(RecvByteBufAllocator sizes, BooleanSupplier canTakeMore) {
        this.sizes = sizes;
        this.canTakeMore = canTakeMore;
    }

    @Override
    public Handle newHandle() {
        return new BoundHandle((ExtendedHandle) sizes.newHandle(), canTakeMore);
    }

    /** The sizing handle's sizes; "read again" is decided here, by the channel. */
    private static final class BoundHandle implements ExtendedHandle {
        private final ExtendedHandle sizes;
        private final BooleanSupplier canTakeMore;
        private int reads;

        BoundHandle(ExtendedHandle sizes, BooleanSupplier canTakeMore) {
            this.sizes = sizes;
            this.canTakeMore = canTakeMore;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return reads < MAX_READS && lastBytesRead() > 0 && maybeMoreData.get() && canTakeMore.getAsBoolean();
        }

        @Override
        public boolean continueReading() {
            // No supplier here: this runs after every read on the event loop, and a capturing
            // lambda would be an allocation per read
            return reads < MAX_READS && lastBytesRead() > 0 && attemptedBytesRead() == lastBytesRead()
                    && canTakeMore.getAsBoolean();
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return sizes.allocate(alloc);
        }

        @Override
        public int guess() {
            return sizes.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            reads = 0;
            sizes.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            reads += numMessages;
            sizes.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            sizes.lastBytesRead(bytes);
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
