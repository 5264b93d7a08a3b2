package io.cometgate.session;

import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.WindowBudget;
import io.cometgate.protocol.WindowTuner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session's reliability rules, driven on an embedded event loop with a fake receiver. */
class SessionTest {

    private static final String OPEN_22 = "{\"target\":\"10.0.0.1:22\"}";
    private static final long HEARTBEAT_MILLIS = 1000;

    private final EmbeddedChannel loopHolder = new EmbeddedChannel();
    private final List<String> denied = new ArrayList<>();
    /** When set, opened channels stay open (and record the session's idle checks) instead of being denied. */
    private boolean holdChannels;
    private final List<Long> idleChecks = new ArrayList<>();
    private SessionRegistry registry;
    private Session session;

    /** Only the limits are read by a session: the policy itself is the relay's business. */
    private final Decider limitsOnly = new Decider() {
        @Override
        public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
            throw new AssertionError("a session never asks the policy itself");
        }

        @Override
        public boolean isOriginAllowed(String origin) {
            return true;
        }

        @Override
        public boolean isHostAllowed(String host) {
            return true;
        }

        @Override
        public boolean isTrustedProxy(InetAddress peer) {
            return false;
        }

        @Override
        public Limits limits() {
            return Limits.DEFAULT;
        }
    };

    /** Every channel is refused as the relay would refuse a denied target: CLOSE 4004, then gone. */
    private final ChannelOpener denyingOpener = (owner, channelId, target) -> new SessionChannel() {
        @Override public int id() { return channelId; }
        @Override public String target() { return target; }
        @Override public InetSocketAddress address() { return null; }
        @Override public void open(String token) {
            if (holdChannels) {
                return;
            }
            denied.add(target);
            owner.sendClose(channelId, CloseCode.POLICY_DENIED, "no rule allows this target");
            owner.channelClosed(channelId);
        }
        @Override public void fromClient(ByteBuf data) { data.release(); }
        @Override public void grantDownstream(long bytes) { }
        @Override public void closeFromClient(int code) { }
        @Override public void resumeReading() { }
        @Override public void checkIdle(long nowNanos) { idleChecks.add(nowNanos); }
        @Override public void closeWith(CloseCode code, String reason) { }
        @Override public void abort(CloseCode code, String reason) { }
    };

    /** Counts nothing: the counters are the metrics package's concern. */
    private final SessionMetrics noMetrics = new SessionMetrics() {
        @Override public void sessionCreated() { }
        @Override public void sessionResumed() { }
        @Override public void frameRetransmitted() { }
        @Override public void receiverAttached(TransportKind kind) { }
        @Override public void receiverDetached(TransportKind kind) { }
        @Override public void directMemoryExhausted() { directMemoryExhausted++; }
    };
    private int directMemoryExhausted;

    @BeforeEach
    void createSession() throws Exception {
        loopHolder.freezeTime(); // timers move only with advance(): no sleeping, however slow the machine
        GatewayConfig config = GatewayConfig.defaults().withSizes(128 * 1024, 128 * 1024, 4096, 256 * 1024)
                .withTimeouts(Duration.ofMillis(HEARTBEAT_MILLIS), Duration.ofMillis(200), Duration.ofSeconds(25));
        registry = new SessionRegistry(new SessionContext(config, limitsOnly, noMetrics, denyingOpener));
        session = registry.create(loopHolder.eventLoop(), "https://app.example", InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeSession() {
        session.close(CloseCode.NORMAL, "test over");
        runTasks();
        assertFalse(loopHolder.finishAndReleaseAll());
    }

    private void advance(long millis) {
        loopHolder.advanceTimeBy(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        loopHolder.runScheduledPendingTasks();
    }

    private void runTasks() {
        loopHolder.runPendingTasks();
    }

    private void sendDown(String text) {
        session.sendData(1, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private void receive(FrameType type, int channel, long seq, String payload) throws Exception {
        ByteBuf batch = FrameCodec.encodeSmall(ByteBufAllocator.DEFAULT, type, channel, seq, payload.getBytes(StandardCharsets.UTF_8));
        try {
            List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
            session.receive(frames);
        } finally {
            batch.release();
        }
        runTasks();
    }

    @Test
    void aNewReceiverGetsHelloThenEverythingTheClientHasNotAcknowledged() {
        sendDown("a");
        sendDown("b");
        sendDown("c");
        FakeReceiver first = new FakeReceiver(false);
        session.attach(first, 0);
        runTasks();
        assertEquals(FrameType.HELLO, first.frames.get(0).type());
        assertEquals(List.of(1L, 2L, 3L), first.sequenced(FrameType.DATA));

        FakeReceiver second = new FakeReceiver(false);
        session.attach(second, 1);
        runTasks();
        assertTrue(first.ended && first.replaced, "the older receiver is told it was replaced");
        assertEquals(List.of(2L, 3L), second.sequenced(FrameType.DATA), "frames after the ack are sent again");
        assertEquals("b", second.frames.stream().filter(s -> s.seq() == 2).findFirst().orElseThrow().text());
    }

    @Test
    void duplicateClientFramesAreDroppedButAcknowledged() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        receive(FrameType.OPEN, 1, 1, OPEN_22);
        receive(FrameType.OPEN, 1, 1, OPEN_22);
        assertEquals(List.of("10.0.0.1:22"), denied, "the resent OPEN is not processed twice");
        assertEquals(1, receiver.sequenced(FrameType.CLOSE).size());
        assertEquals(CloseCode.POLICY_DENIED.code(), receiver.frames.stream()
                .filter(s -> s.type() == FrameType.CLOSE).findFirst().orElseThrow().code());
        assertEquals(1, session.lastReceived());
        assertFalse(session.isClosed());
    }

    @Test
    void aSequenceGapIsAProtocolErrorThatClosesTheSession() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        receive(FrameType.OPEN, 1, 2, OPEN_22);
        assertTrue(session.isClosed());
        FakeReceiver.Seen close = receiver.frames.stream().filter(s -> s.type() == FrameType.SESSION_CLOSE).findFirst().orElseThrow();
        assertEquals(CloseCode.PROTOCOL_ERROR.code(), close.code());
        assertTrue(close.text().contains("sequence gap"), close.text());
    }

    @Test
    void anAckForAFrameNeverSentClosesTheSessionWithProtocolError4006() {
        FakeReceiver attached = new FakeReceiver(false);
        session.attach(attached, 0);
        runTasks();
        FakeReceiver bogus = new FakeReceiver(false);
        session.attach(bogus, 5);
        runTasks();
        assertTrue(session.isClosed());
        assertTrue(bogus.ended, "the receiver that brought the bogus ack is turned away");
        FakeReceiver.Seen close = attached.frames.stream().filter(s -> s.type() == FrameType.SESSION_CLOSE).findFirst().orElseThrow();
        assertEquals(CloseCode.PROTOCOL_ERROR.code(), close.code());
        assertTrue(close.text().contains("ack 5"), close.text());
    }

    @Test
    void aPollIsNotAnsweredForAnAckAloneButIsForData() throws Exception {
        FakeReceiver poll = new FakeReceiver(true);
        session.attach(poll, 0);
        receive(FrameType.ACK, 0, 0, "\0\0\0\0");
        assertEquals(0, poll.batches, "the client's ACK is not worth a poll answer");
        receive(FrameType.OPEN, 1, 1, OPEN_22); // denied: a CLOSE frame is data worth answering
        assertEquals(1, poll.batches);
        assertTrue(poll.has(FrameType.CLOSE));
        assertFalse(poll.has(FrameType.HELLO), "polls get no HELLO");
        assertEquals(null, session.receiver(), "an answered poll detaches");
    }

    @Test
    void aHeartbeatFromTheClientIsAProbeAnsweredAtOnceOnAnIdleStream() throws Exception {
        FakeReceiver stream = new FakeReceiver(false);
        session.attach(stream, 0);
        runTasks();
        int before = stream.batches;
        receive(FrameType.HEARTBEAT, 0, 0, "");
        assertEquals(before + 1, stream.batches, "the probe is answered without waiting for the heartbeat interval");
        assertEquals(FrameType.HEARTBEAT, stream.frames.get(stream.frames.size() - 1).type());
        receive(FrameType.ACK, 0, 0, "\0\0\0\0");
        assertEquals(before + 1, stream.batches, "only a HEARTBEAT is a probe");
    }

    @Test
    void aProbeAnswersAHeldPollAtOnceAndOneMadeBetweenPollsTheNextPoll() throws Exception {
        FakeReceiver held = new FakeReceiver(true);
        session.attach(held, 0);
        runTasks();
        receive(FrameType.HEARTBEAT, 0, 0, "");
        assertEquals(1, held.batches, "a held poll is answered at once");
        assertTrue(held.has(FrameType.HEARTBEAT));
        assertEquals(null, session.receiver());

        receive(FrameType.HEARTBEAT, 0, 0, ""); // no poll waiting: the next one is owed an answer
        FakeReceiver next = new FakeReceiver(true);
        session.attach(next, 0);
        runTasks();
        assertEquals(1, next.batches, "the poll after a probe is answered at once, not held");
        FakeReceiver third = new FakeReceiver(true);
        session.attach(third, 0);
        runTasks();
        assertEquals(0, third.batches, "one probe, one answer: the poll after is held again");
    }

    @Test
    void anIdleStreamGetsAHeartbeatFromTheSessionAfterOneInterval() {
        FakeReceiver stream = new FakeReceiver(false);
        session.attach(stream, 0);
        runTasks();
        assertTrue(stream.has(FrameType.HELLO));
        assertFalse(stream.has(FrameType.HEARTBEAT));
        advance(HEARTBEAT_MILLIS);
        assertTrue(stream.has(FrameType.HEARTBEAT), "one interval of silence earns a HEARTBEAT");
    }

    @Test
    void aHeartbeatThatMeetsTheMemoryCapClosesOnlyItsTransportAndTheSessionKeepsItsClock() {
        FakeReceiver stream = new FakeReceiver(false);
        session.attach(stream, 0);
        runTasks();
        stream.failNextDeliveries = 1;
        advance(HEARTBEAT_MILLIS);
        assertTrue(stream.aborted, "the transport whose heartbeat could not be allocated is closed");
        assertEquals(1, directMemoryExhausted, "and counted as every other close at the cap");
        assertFalse(session.isClosed(), "the session itself carries on");
        assertEquals(null, session.receiver());
        FakeReceiver next = new FakeReceiver(false);
        session.attach(next, 0); // the client reconnects
        runTasks();
        advance(HEARTBEAT_MILLIS);
        assertTrue(next.has(FrameType.HEARTBEAT), "the periodic check still runs (a task that throws is cancelled for good)");
    }

    @Test
    void theSessionsOfOneLoopShareOneSweepThatDropsAClosedSessionAndStopsWhenNoneIsLeft() throws Exception {
        Session second = registry.create(loopHolder.eventLoop(), "https://app.example", InetAddress.getLoopbackAddress());
        Session third = registry.create(loopHolder.eventLoop(), "https://app.example", InetAddress.getLoopbackAddress());
        FakeReceiver first = new FakeReceiver(false);
        FakeReceiver middle = new FakeReceiver(false);
        FakeReceiver last = new FakeReceiver(false);
        session.attach(first, 0);
        second.attach(middle, 0);
        third.attach(last, 0);
        runTasks();
        advance(HEARTBEAT_MILLIS);
        assertTrue(first.has(FrameType.HEARTBEAT) && middle.has(FrameType.HEARTBEAT) && last.has(FrameType.HEARTBEAT),
                "every session on the loop is checked");
        second.close(CloseCode.NORMAL, "done"); // the middle one leaves: the last one takes its place
        runTasks();
        int firstBatches = first.batches;
        int lastBatches = last.batches;
        advance(HEARTBEAT_MILLIS);
        assertTrue(first.batches > firstBatches && last.batches > lastBatches, "the others are still checked");
        session.close(CloseCode.NORMAL, "done");
        third.close(CloseCode.NORMAL, "done");
        runTasks();
        assertEquals(-1, loopHolder.runScheduledPendingTasks(), "an empty sweep leaves no timer to wake the loop");
    }

    @Test
    void everyOpenChannelIsAskedAboutIdlenessOnEachTickWithTheLoopsClock() throws Exception {
        holdChannels = true;
        session.attach(new FakeReceiver(false), 0);
        receive(FrameType.OPEN, 1, 1, OPEN_22);
        receive(FrameType.OPEN, 3, 2, OPEN_22);
        runTasks();
        assertTrue(idleChecks.isEmpty());
        long tick = SessionLiveness.heartbeatCheckMillis(HEARTBEAT_MILLIS);
        advance(tick);
        assertEquals(2, idleChecks.size(), "one check per open channel per tick");
        advance(tick);
        assertEquals(4, idleChecks.size());
        assertEquals(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(tick), idleChecks.get(2) - idleChecks.get(0),
                "the time passed is the loop's, so a frozen test clock moves it too");
    }

    @Test
    void anIdlePollGetsNoHeartbeatFromTheSessionBecauseItTimesOutByItself() {
        FakeReceiver poll = new FakeReceiver(true);
        session.attach(poll, 0);
        runTasks();
        advance(3 * HEARTBEAT_MILLIS);
        assertEquals(0, poll.batches, "a held poll is neither greeted nor kept alive by the session");
        assertEquals(poll, session.receiver(), "and it stays held");
    }

    @Test
    void backendsStopBeingReadWhileTheClientLagsAndResumeOnAck() {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        for (int i = 0; i < 5; i++) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[1024]));
        }
        runTasks();
        assertFalse(session.canReadBackends(), "5 KiB unacknowledged is over the 4 KiB bound");
        session.attach(receiver = new FakeReceiver(false), 5);
        runTasks();
        assertTrue(session.canReadBackends());
    }

    @Test
    void anAckWithNothingToRideAlongIsSentAfterAShortDelay() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        receive(FrameType.OPEN, 1, 1, OPEN_22); // denied: the CLOSE carries ACK 1
        int batches = receiver.batches;
        ByteBuf credit = Unpooled.buffer(4).writeInt(100);
        receive(FrameType.CREDIT, 1, 2, credit.toString(StandardCharsets.ISO_8859_1)); // for the closed channel: no reply
        credit.release();
        assertEquals(batches, receiver.batches, "no batch for an ACK alone right away");
        advance(SessionOutbox.ACK_DELAY_MILLIS - 1);
        assertEquals(batches, receiver.batches, "not before the delay");
        advance(2);
        assertEquals(batches + 1, receiver.batches);
        assertEquals(FrameType.ACK, receiver.frames.get(receiver.frames.size() - 1).type());
    }

    /**
     * Issue 13: a page uploading through grown windows got a lone ACK (a WebSocket message its
     * browser must take in) for every 64 KiB message. The spacing grows by a quarter of the
     * upstream windows' growth, as the client's does; the delay timer still bounds it.
     */
    @Test
    void anUploadThroughGrownWindowsGetsNoLoneAckPer32KiBButStillOneWithinTheDelay() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        receive(FrameType.OPEN, 1, 1, OPEN_22); // denied: late DATA for channel 1 is dropped, yet acknowledged
        String data = "x".repeat(8 * 1024 - FrameCodec.HEADER_BYTES); // 8 KiB a frame, header included
        int batches = receiver.batches;
        long seq = 1;
        for (int i = 0; i < 4; i++) {
            receive(FrameType.DATA, 1, ++seq, data);
        }
        assertEquals(batches + 1, receiver.batches, "no window grew: an ACK alone after 32 KiB");

        WindowBudget budget = session.upstreamWindowBudget();
        budget.open(64 * 1024);
        WindowTuner tuner = new WindowTuner(64 * 1024, 1024 * 1024, budget, 0);
        for (long window = 64 * 1024; window < 512 * 1024; window *= 2) {
            tuner.consumed(window, 1, 1_000_000); // a window in 1 ns: it doubles
        }
        assertEquals(448 * 1024, budget.grown());
        batches = receiver.batches;
        int framesBeforeAck = (int) ((SessionOutbox.ACK_EVERY_BYTES + budget.grown() / 4) / (8 * 1024)); // 18
        for (int i = 0; i < framesBeforeAck - 1; i++) {
            receive(FrameType.DATA, 1, ++seq, data);
        }
        assertEquals(batches, receiver.batches, "32 KiB + a quarter of 448 KiB not reached: no ACK alone yet");
        receive(FrameType.DATA, 1, ++seq, data);
        assertEquals(batches + 1, receiver.batches, "reached: the ACK goes");
        assertEquals(FrameType.ACK, receiver.frames.get(receiver.frames.size() - 1).type());

        receive(FrameType.DATA, 1, ++seq, data);
        advance(SessionOutbox.ACK_DELAY_MILLIS + 1);
        assertEquals(batches + 2, receiver.batches, "a few bytes: acknowledged within the delay all the same");
    }

    @Test
    void aMalformedOpenClosesOnlyThatChannel() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        receive(FrameType.OPEN, 1, 1, "irc");
        FakeReceiver.Seen close = receiver.frames.stream().filter(s -> s.type() == FrameType.CLOSE).findFirst().orElseThrow();
        assertEquals(CloseCode.PROTOCOL_ERROR.code(), close.code());
        assertTrue(close.text().contains("JSON"), close.text());
        assertFalse(session.isClosed());
        assertTrue(denied.isEmpty(), "the policy is never asked about a malformed open");
    }

    @Test
    void framesAfterASessionCloseInTheSameBatchAreReleasedUnhandled() throws Exception {
        session.attach(new FakeReceiver(false), 0);
        ByteBuf batch = Unpooled.wrappedBuffer(
                FrameCodec.encodeCode(ByteBufAllocator.DEFAULT, FrameType.SESSION_CLOSE, 0, 1, 1000, "bye"),
                FrameCodec.encodeSmall(ByteBufAllocator.DEFAULT, FrameType.OPEN, 1, 2, OPEN_22.getBytes(StandardCharsets.UTF_8)),
                FrameCodec.encodeSmall(ByteBufAllocator.DEFAULT, FrameType.OPEN, 3, 3, OPEN_22.getBytes(StandardCharsets.UTF_8)));
        List<Frame> frames = FrameCodec.decodeBatch(batch, 65536);
        session.receive(frames);
        runTasks();
        assertTrue(session.isClosed());
        assertTrue(denied.isEmpty(), "nothing after SESSION_CLOSE is handled");
        assertEquals(1, batch.refCnt(), "every frame's retained slice was released, handled or not");
        batch.release();
    }

    @Test
    void aSessionWithNoReceiverExpiresAfterItsTimeout() {
        advance(199);
        assertFalse(session.isClosed(), "not before the 200 ms timeout");
        advance(2);
        assertTrue(session.isClosed());
        assertEquals(0, registry.size());
    }

    /**
     * Issue 11 item 3: a poll answered just before a silent partition began must not start a
     * clock that runs out before the client's own give-up (timeout + 5 s): the session waits the
     * timeout plus the resume margin after its last transport detached.
     */
    @Test
    void aSessionWhosePollWasAnsweredWaitsTheTimeoutPlusTheResumeMargin() throws Exception {
        FakeReceiver poll = new FakeReceiver(true);
        session.attach(poll, 0);
        receive(FrameType.OPEN, 1, 1, OPEN_22); // denied: the CLOSE frame answers the poll
        assertEquals(1, poll.batches);
        assertTrue(session.receiver() == null, "the answered poll is detached");
        advance(200 + SessionLiveness.RESUME_MARGIN_MILLIS - 1);
        assertFalse(session.isClosed(), "expired before the client's give-up (timeout + margin)");
        advance(2);
        assertTrue(session.isClosed());
    }

    @Test
    void aSessionWhoseWebSocketWentAwayWaitsTheTimeoutPlusTheResumeMargin() {
        FakeReceiver socket = new FakeReceiver(false);
        session.attach(socket, 0);
        runTasks();
        advance(1_000);
        session.detach(socket);
        advance(200 + SessionLiveness.RESUME_MARGIN_MILLIS - 1);
        assertFalse(session.isClosed(), "expired before the client's give-up (timeout + margin)");
        advance(2);
        assertTrue(session.isClosed());
    }

    @Test
    void aClientsGrownDownstreamWindowsRaiseTheBoundButNeverPastTheWindowBudget() {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        session.downstreamWindowGrew(4096);
        for (int i = 0; i < 5; i++) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[1024]));
        }
        runTasks();
        assertTrue(session.canReadBackends(), "5 KiB unacknowledged is under the 4 KiB bound grown by 4 KiB");
        session.downstreamWindowGrew(-4096);
        assertFalse(session.canReadBackends(), "the channel gave its growth back: 4 KiB again");

        session.downstreamWindowGrew(1L << 30);
        long budget = GatewayConfig.defaults().windowBudget();
        for (long sent = 5 * 1024; sent < budget; sent += 64 * 1024) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[64 * 1024]));
        }
        runTasks();
        assertFalse(session.canReadBackends(), "a client's credit never raises the bound past the window budget");
        assertFalse(session.isClosed());
    }

    @Test
    void aClientThatNeverAcknowledgesIsClosedWith4006OnceFarPastTheBound() throws Exception {
        FakeReceiver receiver = new FakeReceiver(false);
        session.attach(receiver, 0);
        // Every malformed OPEN earns a CLOSE frame the gateway must keep until acknowledged;
        // this client never acknowledges anything.
        for (int i = 0; i < 1_000 && !session.isClosed(); i++) {
            receive(FrameType.OPEN, 2 * i + 1, i + 1, "not json");
        }
        assertTrue(session.isClosed(), "a client that never acknowledges made the gateway keep control frames without bound");
        FakeReceiver.Seen close = receiver.frames.stream().filter(s -> s.type() == FrameType.SESSION_CLOSE).findFirst().orElseThrow();
        assertEquals(CloseCode.PROTOCOL_ERROR.code(), close.code());
        assertTrue(close.text().contains("acknowledge"), close.text());
    }

    @Test
    void aReceiverThatCannotTakeDataGetsNothingUntilWritable() {
        FakeReceiver receiver = new FakeReceiver(false);
        receiver.writable = false;
        session.attach(receiver, 0);
        sendDown("held");
        runTasks();
        assertTrue(receiver.frames.isEmpty());
        receiver.writable = true;
        session.receiverWritable();
        assertEquals(List.of(1L), receiver.sequenced(FrameType.DATA));
    }
}
