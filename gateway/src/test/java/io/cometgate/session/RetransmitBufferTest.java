package io.cometgate.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmitBufferTest {

    private static ByteBuf frame(int size) {
        return Unpooled.directBuffer(size).writeZero(size);
    }

    @Test
    void framesAreNumberedFromOneAndAddressableUntilAcknowledged() {
        RetransmitBuffer buffer = new RetransmitBuffer();
        List<ByteBuf> added = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // past the initial capacity, so it grows
            assertEquals(i + 1, buffer.nextSeq());
            ByteBuf f = frame(i + 1);
            added.add(f);
            buffer.add(f);
        }
        assertEquals(20 * 21 / 2, buffer.bytes());
        assertEquals(7, buffer.get(7).readableBytes());
        assertEquals(5, buffer.ackUpTo(5));
        assertEquals(6, buffer.firstSeq());
        assertEquals(20 * 21 / 2 - 15, buffer.bytes());
        assertEquals(12, buffer.get(12).readableBytes());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, added.get(i).refCnt(), "acknowledged frames are released");
        }
        assertEquals(1, added.get(5).refCnt());
        buffer.releaseAll();
        assertTrue(added.stream().allMatch(f -> f.refCnt() == 0));
        assertEquals(0, buffer.bytes());
    }

    @Test
    void aBufferWithNothingUnacknowledgedKeepsNoRingAndNumberingGoesOn() {
        RetransmitBuffer buffer = new RetransmitBuffer();
        assertEquals(0, buffer.capacity(), "a new buffer has no ring yet");
        buffer.add(frame(4));
        buffer.add(frame(4));
        assertTrue(buffer.capacity() > 0);
        buffer.ackUpTo(2);
        assertEquals(0, buffer.capacity(), "acknowledged to the end: the ring is dropped");
        assertEquals(3, buffer.nextSeq());
        ByteBuf third = frame(5);
        buffer.add(third);
        assertEquals(3, buffer.firstSeq());
        assertEquals(third, buffer.get(3));
        assertEquals(5, buffer.bytes());
        buffer.releaseAll();
        assertEquals(0, buffer.capacity());
        assertEquals(0, third.refCnt());
    }

    @Test
    void anAckBelowWhatWasAcknowledgedReleasesNothing() {
        RetransmitBuffer buffer = new RetransmitBuffer();
        buffer.add(frame(3));
        buffer.add(frame(3));
        assertEquals(1, buffer.ackUpTo(1));
        assertEquals(0, buffer.ackUpTo(1));
        assertEquals(0, buffer.ackUpTo(0));
        assertEquals(3, buffer.bytes());
        buffer.releaseAll();
        assertTrue(buffer.isEmpty());
    }

    @Test
    void wrappingAroundTheRingKeepsOrder() {
        RetransmitBuffer buffer = new RetransmitBuffer();
        long seq = 1;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 5; i++) {
                buffer.add(Unpooled.directBuffer(4).writeInt((int) buffer.nextSeq()));
            }
            for (int i = 0; i < 5; i++, seq++) {
                assertEquals(seq, buffer.get(seq).getInt(0));
            }
            buffer.ackUpTo(seq - 1);
        }
        assertTrue(buffer.isEmpty());
    }
}
