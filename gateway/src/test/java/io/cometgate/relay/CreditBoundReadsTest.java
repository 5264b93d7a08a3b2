package io.cometgate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a backend connection reads again within one read request, driven the way Netty's read loop drives a handle. */
class CreditBoundReadsTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicBoolean canTakeMore = new AtomicBoolean(true);
    private final AtomicLong credit = new AtomicLong(Long.MAX_VALUE);
    private RecvByteBufAllocator.ExtendedHandle handle = handleReadingUpTo(64 * 1024);

    private RecvByteBufAllocator.ExtendedHandle handleReadingUpTo(int maxRead) {
        CreditBoundReads.Allowance allowance = new CreditBoundReads.Allowance() {
            @Override
            public boolean canTakeAnotherRead() {
                return canTakeMore.get();
            }

            @Override
            public long readAllowance() {
                return credit.get();
            }
        };
        return (RecvByteBufAllocator.ExtendedHandle) new CreditBoundReads(new AdaptiveRecvByteBufAllocator(512, maxRead, maxRead),
                allowance).newHandle();
    }

    /** The size of the buffer the next read gets. */
    private int nextReadSize() {
        ByteBuf buffer = handle.allocate(ByteBufAllocator.DEFAULT);
        try {
            return buffer.writableBytes();
        } finally {
            buffer.release();
        }
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finishAndReleaseAll());
    }

    /** One read as the loop does it: allocate, "read" {@code bytes}, count it; answers whether the loop reads again. */
    private boolean read(int bytes) {
        ByteBuf buffer = handle.allocate(ByteBufAllocator.DEFAULT);
        try {
            handle.attemptedBytesRead(buffer.writableBytes());
            handle.lastBytesRead(Math.min(bytes, buffer.writableBytes()));
            handle.incMessagesRead(1);
            return handle.continueReading();
        } finally {
            buffer.release();
        }
    }

    @Test
    void readsAgainWhileTheBufferFillsAndTheChannelCanPassMoreOn() {
        handle.reset(channel.config()); // auto-read is on here, but the answer must not depend on it
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        assertTrue(read(Integer.MAX_VALUE), "a full buffer and credit left: read on (Netty's own handle stops when auto-read is off)");
        canTakeMore.set(false);
        assertFalse(read(Integer.MAX_VALUE), "no credit left: stop, so at most one read is held");
    }

    @Test
    void stopsWhenTheSocketHadLessThanTheBuffer() {
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        assertFalse(read(100), "a short read: the socket is drained");
    }

    @Test
    void aReadIsNoLargerThanTheCreditSoNothingIsHeldBeyondIt() {
        handle = handleReadingUpTo(256 * 1024);
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        assertEquals(256 * 1024, nextReadSize(), "credit to spare: the adaptive size");
        credit.set(1000);
        assertEquals(1000, nextReadSize(), "less credit than that: the credit");
        credit.set(0);
        assertEquals(256 * 1024, nextReadSize(), "no credit (Netty draining a half-closed socket): the adaptive size, nothing is lost");
    }

    @Test
    void readsAtMostAMegabytePerRequestWhateverTheReadSize() {
        handle = handleReadingUpTo(256 * 1024);
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        int reads = 1;
        while (read(Integer.MAX_VALUE)) {
            reads++;
        }
        assertEquals(CreditBoundReads.MAX_BYTES / (256 * 1024), reads);
    }

    @Test
    void readsAtMostSixteenTimesPerRequestSoOtherChannelsOnTheLoopGetTheirTurn() {
        handle = handleReadingUpTo(16 * 1024); // 16 reads of this are well under the byte limit
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        int reads = 1;
        while (read(Integer.MAX_VALUE)) {
            reads++;
        }
        assertEquals(CreditBoundReads.MAX_READS, reads);
        handle.reset(channel.config());
        assertTrue(read(Integer.MAX_VALUE), "the next request starts counting again");
    }
}
