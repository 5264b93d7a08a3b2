package io.cometgate.client;

import io.cometgate.config.TransportKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java client's deadlines are the ones docs/PROTOCOL.md "Liveness" and js-client/src/liveness.js state. */
class LivenessPlanTest {

    @Test
    void defaultsMatchTheProtocolDocument() {
        LivenessPlan stream = LivenessPlan.of(25_000, 30_000, TransportKind.XHR_STREAMING, LivenessOptions.DEFAULTS);
        assertEquals(28_500, stream.deadAfterMillis(), "streams: 1.1 heartbeats + 1 s");
        assertEquals(5_000, stream.ackTimeoutMillis());
        assertEquals(2_000, stream.reattachTimeoutMillis());
        assertEquals(35_000, stream.giveUpAfterMillis(), "timeout + the 5 s margin");
        assertEquals(26_000, LivenessPlan.of(25_000, 30_000, TransportKind.XHR_POLLING, LivenessOptions.DEFAULTS).deadAfterMillis(),
                "long polls: a heartbeat + 1 s");
    }

    @Test
    void htmlfileHasShorterDeadlinesOfItsOwn() {
        LivenessPlan htmlfile = LivenessPlan.of(25_000, 30_000, TransportKind.HTMLFILE, LivenessOptions.DEFAULTS);
        assertEquals(10_000, htmlfile.deadAfterMillis());
        assertEquals(2_000, htmlfile.ackTimeoutMillis());
    }

    @Test
    void aShortSessionTimeoutBringsTheSilenceDeadlineForwardButNotBelowTheHeartbeat() {
        assertEquals(9_000, LivenessPlan.of(6_000, 14_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS).deadAfterMillis(),
                "min(heartbeat + 5 s, timeout - 5 s), at least 1.1 heartbeats + 1 s (7.6 s)");
        assertEquals(7_600, LivenessPlan.of(6_000, 10_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS).deadAfterMillis());
    }

    @Test
    void aQuietDownstreamIsProbedAfterOneSecondAndTheProbeAnsweredWithinTwoAndAHalf() {
        LivenessPlan stream = LivenessPlan.of(25_000, 30_000, TransportKind.XHR_STREAMING, LivenessOptions.DEFAULTS);
        assertEquals(1_000, stream.probeAfterMillis());
        assertEquals(2_500, stream.probeAnswerMillis(0, 131_072));
        assertEquals(6_596, stream.probeAnswerMillis(131_072, 131_072), "a probe queues behind what is outstanding: 1 ms per 32 bytes");
        assertEquals(7_620, stream.probeAnswerMillis(1 << 20, 131_072),
                "but only behind one batch and the ACK interval: the gateway acknowledges every 32 KiB it receives");
        assertEquals(2_000, LivenessPlan.of(25_000, 30_000, TransportKind.HTMLFILE, LivenessOptions.DEFAULTS).probeAnswerMillis(0, 131_072),
                "htmlfile keeps its 2 s answer deadline");
        LivenessPlan tuned = LivenessPlan.of(25_000, 30_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS.withProbe(300, 700));
        assertEquals(300, tuned.probeAfterMillis());
        assertEquals(700, tuned.probeAnswerMillis(0, 131_072));
    }

    @Test
    void theAnswerDeadlineGrowsWithTheBytesOutstandingAndOptionsOverride() {
        LivenessPlan plan = LivenessPlan.of(25_000, 30_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS.withAckTimeout(1_000));
        assertEquals(1_000, plan.answerMillis(0, 131_072));
        assertEquals(2_024, plan.answerMillis(32_768, 131_072), "1 ms per 32 bytes");
    }

    /**
     * A blackholed transport is found by the answer deadline. It grew with the whole window
     * outstanding (1 MiB: 33.8 s), which was the cause of the chaos run's longest stalls; the
     * gateway acknowledges every 32 KiB it receives and reads a batch whole, so the ACK must
     * advance once one batch and one ACK interval more arrived, whatever the window.
     */
    @Test
    void theAnswerDeadlineCountsOneBatchAndOneAckIntervalNotAWholeGrownWindow() {
        LivenessPlan plan = LivenessPlan.of(25_000, 30_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS.withAckTimeout(1_000));
        assertEquals(5_096, plan.answerMillis(1 << 20, 98_304), "(96 KiB + 32 KiB) / 32 bytes per ms, not 1 MiB / 32");
        assertEquals(plan.answerMillis(160 * 1024, 128 * 1024), plan.answerMillis(4 << 20, 128 * 1024));
    }
}
