package io.cometgate.session;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.testing.EmbeddedSessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox's close limit (a client far past the retransmit bound is closed with 4006) when a
 * channel that had grown its downstream window ends: it gives the growth back at once, but what
 * it sent under that growth may still be unacknowledged. Session 3 closed acknowledging clients
 * with a flaky 4006 ("655567 bytes unacknowledged (limit 589824)") just after such a channel
 * ended; the limit now keeps the grown bound until the client has caught up with the smaller one.
 */
class SessionOutboxTest {

    private static final int BOUND = 4096;
    private static final int GROWTH = 64 * 1024;
    private static final int CHUNK = 4096;

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final EmbeddedSessions sessions = new EmbeddedSessions(
            GatewayConfig.defaults().withSizes(128 * 1024, 128 * 1024, BOUND, 256 * 1024));
    private Session session;
    private FakeReceiver receiver;

    @BeforeEach
    void attach() {
        loop.freezeTime();
        session = sessions.create(loop);
        receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        loop.runPendingTasks();
    }

    @AfterEach
    void close() {
        session.close(CloseCode.NORMAL, "test over");
        loop.runPendingTasks();
        assertFalse(loop.finishAndReleaseAll());
    }

    /** Sends {@code bytes} of DATA the client does not acknowledge (yet); returns the last sequence number. */
    private long sendUnacknowledged(int bytes) {
        for (int sent = 0; sent < bytes; sent += CHUNK) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[CHUNK]));
        }
        loop.runPendingTasks();
        List<Long> seqs = receiver.sequenced(FrameType.DATA);
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    private void clientAcknowledges(long seq) throws Exception {
        ByteBuf batch = FrameCodec.encodeCount(ByteBufAllocator.DEFAULT, FrameType.ACK, 0, 0, seq);
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
            session.receive(frames);
        } finally {
            batch.release();
        }
        loop.runPendingTasks();
    }

    @Test
    void aBackendReadGetsTheRoomTheBoundLeavesPlusOneChannelsSlackAndNoMore() throws Exception {
        long slack = SessionOutbox.SLACK_PER_CHANNEL;
        assertEquals(BOUND + slack, session.backendReadRoom(), "nothing kept: the whole bound and the slack");
        session.sendData(1, Unpooled.wrappedBuffer(new byte[1000]));
        loop.runPendingTasks();
        assertEquals(BOUND - 1000 - FrameCodec.HEADER_BYTES + slack, session.backendReadRoom(), "the frame kept, header and all");
        long last = sendUnacknowledged(CHUNK); // past the bound, within the close limit (twice the bound)
        assertFalse(session.isClosed());
        assertFalse(session.canReadBackends(), "past the bound: no read at all");
        assertEquals(slack, session.backendReadRoom(), "past the bound: the slack only (never less)");
        clientAcknowledges(last);
        assertEquals(BOUND + slack, session.backendReadRoom(), "all acknowledged: the whole bound again");
    }

    @Test
    void aChannelThatGivesItsGrowthBackLeavesTheGrownLimitUntilTheClientCatchesUpThenTheSmallOneHolds() throws Exception {
        session.downstreamWindowGrew(GROWTH); // bound 4 KiB + 64 KiB: the close limit is twice that
        long last = sendUnacknowledged(100 * 1024);
        assertFalse(session.isClosed(), "100 KiB in flight is within twice the grown bound");

        session.downstreamWindowGrew(-GROWTH); // the channel ended: its growth goes back at once
        last = sendUnacknowledged(CHUNK);
        assertFalse(session.isClosed(), "what the channel sent under its growth is still in flight: no 4006 for"
                + " a client that acknowledges, but the session was closed: " + session.end());

        clientAcknowledges(last);
        sendUnacknowledged(3 * BOUND);
        assertTrue(session.isClosed(), "caught up: a client that stops acknowledging is held to twice the plain bound again");
        FakeReceiver.Seen close = receiver.frames.stream().filter(s -> s.type() == FrameType.SESSION_CLOSE).findFirst().orElseThrow();
        assertEquals(CloseCode.PROTOCOL_ERROR.code(), close.code());
        assertTrue(close.text().contains("does not acknowledge"), close.text());
    }
}
