package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTableTest {

    private final ChannelTable table = new ChannelTable();

    @Test
    void anEmptyTableHasNoChannels() {
        assertTrue(table.isEmpty());
        assertEquals(0, table.size());
        assertNull(table.get(1));
        assertEquals(List.of(), table.snapshot());
    }

    @Test
    void oneChannelIsFoundByItsIdOnly() {
        SessionChannel one = channel(1);
        table.put(1, one);
        assertSame(one, table.get(1));
        assertNull(table.get(3));
        assertEquals(1, table.size());
        assertFalse(table.isEmpty());
        assertEquals(List.of(one), table.snapshot());
    }

    @Test
    void manyChannelsAreEachFoundAndRemovedInAnyOrder() {
        SessionChannel[] channels = new SessionChannel[10];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = channel(2 * i + 1);
            table.put(2 * i + 1, channels[i]);
        }
        assertEquals(10, table.size());
        for (int i = 0; i < channels.length; i++) {
            assertSame(channels[i], table.get(2 * i + 1));
        }
        table.remove(1); // the first one goes while others stay
        table.remove(7);
        assertNull(table.get(1));
        assertNull(table.get(7));
        assertSame(channels[1], table.get(3));
        assertEquals(8, table.size());
        assertEquals(8, table.snapshot().size());
        assertFalse(table.snapshot().contains(channels[0]));
    }

    @Test
    void aChannelAddedAfterTheFirstWasRemovedIsFound() {
        table.put(1, channel(1));
        table.put(3, channel(3));
        table.remove(1);
        SessionChannel five = channel(5);
        table.put(5, five);
        assertSame(five, table.get(5));
        assertEquals(2, table.size());
    }

    @Test
    void removingTheLastChannelEmptiesTheTable() {
        table.put(1, channel(1));
        table.put(3, channel(3));
        table.remove(3);
        table.remove(1);
        table.remove(9); // never there: no effect
        assertTrue(table.isEmpty());
        assertEquals(0, table.size());
    }

    @Test
    void aSnapshotIsACopyThatSurvivesRemovals() {
        table.put(1, channel(1));
        table.put(3, channel(3));
        List<SessionChannel> before = table.snapshot();
        table.remove(1);
        table.remove(3);
        assertEquals(2, before.size());
        assertTrue(table.isEmpty());
    }

    @Test
    void clearRemovesEveryChannel() {
        table.put(1, channel(1));
        table.put(3, channel(3));
        table.clear();
        assertTrue(table.isEmpty());
        assertNull(table.get(3));
    }

    private static SessionChannel channel(int id) {
        return new SessionChannel() {
            @Override
            public int id() {
                return id;
            }

            @Override
            public String target() {
                return "127.0.0.1:" + id;
            }

            @Override
            public InetSocketAddress address() {
                return null;
            }

            @Override
            public void open(String token) {
            }

            @Override
            public void fromClient(ByteBuf data) {
                data.release();
            }

            @Override
            public void grantDownstream(long bytes) {
            }

            @Override
            public void closeFromClient(int code) {
            }

            @Override
            public void resumeReading() {
            }

            @Override
            public void checkIdle(long nowNanos) {
            }

            @Override
            public void closeWith(CloseCode code, String reason) {
            }

            @Override
            public void abort(CloseCode code, String reason) {
            }

            @Override
            public String toString() {
                return "channel " + id;
            }
        };
    }
}
