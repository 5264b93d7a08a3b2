package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.protocol.FrameType;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer deadline on its own (no gateway: the session is never started, time is passed in). */
class WatchdogTest {

    private static final long MS = 1_000_000L;
    private static final LivenessOptions ONE_SECOND = LivenessOptions.DEFAULTS.withAckTimeout(1_000);

    @Test
    void anUploadWhoseAcknowledgementNeverComesIsDeadEvenWhileTheDownstreamKeepsTalking() throws Exception {
        ClientSession session = session(TransportKind.XHR_STREAMING);
        Watchdog watchdog = provenWatchdog(session);
        long sentAt = send(session, watchdog);
        // The downstream answers every probe with a HEARTBEAT (its own connection, alive), the
        // upload's connection is blackholed: no ACK ever comes.
        for (int i = 0; i < 5; i++) {
            Thread.sleep(20);
            watchdog.heard();
            assertNull(watchdog.check(System.nanoTime(), session.upstream()), "not yet: within the deadline");
        }

        String dead = watchdog.check(sentAt + 1_200 * MS, session.upstream());

        assertNotNull(dead, "1.2 s without the ACK advancing, the deadline 1 s plus the backlog");
        assertTrue(dead.startsWith("sent frames got no answer"), dead);
    }

    @Test
    void anAcknowledgementThatAdvancesKeepsTheTransportWhileMoreIsOutstanding() throws Exception {
        ClientSession session = session(TransportKind.WEBSOCKET);
        Watchdog watchdog = provenWatchdog(session);
        long sentAt = send(session, watchdog);
        send(session, watchdog);
        Thread.sleep(450);
        synchronized (session.lock()) {
            session.upstream().acknowledge(1);
        }
        watchdog.acknowledged();
        long ackedAt = System.nanoTime();

        assertTrue(ackedAt - sentAt + 900 * MS > 1_200 * MS);
        assertNull(watchdog.check(ackedAt + 900 * MS, session.upstream()), "the second frame is owed since the ACK, not since the first send");
        assertNotNull(watchdog.check(ackedAt + 1_200 * MS, session.upstream()));
    }

    @Test
    void nothingOutstandingNothingOwed() throws Exception {
        ClientSession session = session(TransportKind.XHR_POLLING);
        Watchdog watchdog = provenWatchdog(session);
        send(session, watchdog);
        synchronized (session.lock()) {
            session.upstream().acknowledge(1);
        }
        watchdog.acknowledged();
        watchdog.heardPostAnswer();

        assertNull(watchdog.check(System.nanoTime() + TimeUnit.SECONDS.toNanos(3), session.upstream()));
    }

    @Test
    void aPostIsGivenTheAnswerDeadlineThisLinkHasShownNotTheSlowestLinks() throws Exception {
        ClientSession session = session(TransportKind.HTMLFILE);
        Watchdog watchdog = provenWatchdog(session);
        int batch = 128 * 1024;
        assertEquals(3_048, watchdog.postAnswerMillis(batch, batch), "no rate known yet: 1 s + a 32 KiB batch and an ACK interval at 32 bytes per ms");
        long start = System.nanoTime();
        synchronized (session.lock()) {
            watchdog.observeUplink(start);
            for (int i = 0; i < 16; i++) { // 1 MiB acknowledged within the second sampled
                long seq = session.upstream().add(FrameType.DATA, 1, new byte[64 * 1024], 0, 64 * 1024);
                session.upstream().nextBatch(null, 128 * 1024);
                session.upstream().acknowledge(seq);
            }
            watchdog.observeUplink(start + 1_000 * MS);
        }

        long scaled = watchdog.postAnswerMillis(batch, batch);

        // A quarter of 1 MiB/s is 262 bytes per ms: 128 KiB in 500 ms (a little less: frame headers).
        assertTrue(scaled > 1_490 && scaled <= 1_500, "1 s + 128 KiB at a quarter of the rate shown: " + scaled);
    }

    @Test
    void untilTheUplinkShowsItsRateABatchIsAtMost32KiBSoALostOneIsFoundWithinTwoSeconds() throws Exception {
        ClientSession session = session(TransportKind.XHR_STREAMING);
        Watchdog watchdog = provenWatchdog(session);
        int maxMessage = 128 * 1024;
        int limit = watchdog.batchLimit(maxMessage);
        assertEquals(32 * 1024, limit, "no rate known yet: a batch the floor allows 1 s for");
        assertTrue(watchdog.postAnswerMillis(limit, maxMessage) <= 2_024,
                "a lost first batch is found within 1 s + 1 s: " + watchdog.postAnswerMillis(limit, maxMessage));
        long start = System.nanoTime();
        synchronized (session.lock()) {
            watchdog.observeUplink(start);
            long seq = session.upstream().add(FrameType.DATA, 1, new byte[limit], 0, limit);
            session.upstream().nextBatch(null, limit);
            session.upstream().acknowledge(seq);
            watchdog.observeUplink(start + 1_000 * MS);
        }

        assertEquals(maxMessage, watchdog.batchLimit(maxMessage), "a second with acknowledgements sampled: whole batches");
    }

    @Test
    void untilTheUplinkShowsItsRateTheBacklogCountsOneSmallBatchSoAHalfClosedWebSocketIsFoundInThreeSeconds() throws Exception {
        ClientSession session = session(TransportKind.WEBSOCKET);
        Watchdog watchdog = provenWatchdog(session);
        synchronized (session.lock()) {
            for (int i = 0; i < 5; i++) { // a WebSocket sends message after message: 160 KiB outstanding
                session.upstream().add(FrameType.DATA, 1, new byte[32 * 1024], 0, 32 * 1024);
                session.upstream().nextBatch(null, 32 * 1024);
            }
        }
        watchdog.sent();
        long sent = System.nanoTime();

        // 1 s + (32 KiB batch + 32 KiB ACK interval) at 32 bytes per ms = 3.05 s; counting
        // maxMessage (128 KiB) + 32 KiB instead, it was 6.1 s.
        synchronized (session.lock()) {
            assertNull(watchdog.check(sent + 2_900 * MS, session.upstream()), "within the deadline");
            assertNotNull(watchdog.check(sent + 3_200 * MS, session.upstream()), "1 s + 64 KiB at the floor");
        }
    }

    private static ClientSession session(TransportKind kind) {
        return new ClientSession(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:9/"), kind, TestDecider.ORIGIN, ONE_SECOND);
    }

    private static Watchdog provenWatchdog(ClientSession session) {
        Watchdog watchdog = new Watchdog(session, session.transport(), ONE_SECOND);
        watchdog.hello(25_000, 30_000, true);
        watchdog.attemptStarted();
        watchdog.heard();
        return watchdog;
    }

    /** One DATA frame queued and taken into a batch; returns when it went out. */
    private static long send(ClientSession session, Watchdog watchdog) {
        synchronized (session.lock()) {
            session.upstream().add(FrameType.DATA, 1, new byte[100], 0, 100);
            session.upstream().nextBatch(null, 128 * 1024);
        }
        watchdog.sent();
        return System.nanoTime();
    }
}
