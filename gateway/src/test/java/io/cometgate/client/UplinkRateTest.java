package io.cometgate.client;

import io.cometgate.config.TransportKind;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UplinkRateTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long BACKLOG = 128 * 1024 + 32 * 1024;

    @Test
    void untilTheLinkShowsItsRateABacklogIsAllowedOneMillisecondPer32Bytes() {
        assertEquals(5_120, new UplinkRate().millisFor(BACKLOG));
    }

    @Test
    void theRateIsKnownOnlyOnceASecondWithSomethingAcknowledgedWasSampled() {
        UplinkRate uplink = new UplinkRate();
        uplink.observe(0, SECOND);
        uplink.observe(0, 2 * SECOND);
        assertFalse(uplink.known(), "an idle (or dead) second says nothing about the link");
        uplink.observe(64 * 1024, 3 * SECOND);
        assertTrue(uplink.known());
    }

    /**
     * The chaos run's cause of stalls of 5 s and more: every blackhole kept its transport for
     * the 1 s answer deadline plus 160 KiB at 32 bytes per ms, on a link that had just carried
     * a megabyte a second.
     */
    @Test
    void onALinkThatCarriedAMegabyteASecondABlackholeIsFoundInUnderTwoSeconds() {
        UplinkRate uplink = new UplinkRate();
        uplink.observe(0, SECOND);
        uplink.observe(1_000_000, 2 * SECOND);
        assertEquals(1_000, uplink.bytesPerMilli(), 1);
        LivenessPlan plan = LivenessPlan.of(25_000, 30_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS.withAckTimeout(1_000));
        assertEquals(1_656, plan.answerMillis(1 << 20, 128 * 1024, uplink, new AnswerTime()), "1 s + 160 KiB at a quarter of 1,000 bytes per ms");
        assertEquals(6_120, plan.answerMillis(1 << 20, 128 * 1024), "with no rate known");
        assertTrue(plan.probeAnswerMillis(1 << 20, 128 * 1024, uplink) < 3_200);
    }

    /**
     * The chaos run's remaining long stalls: a dead link's seconds with nothing acknowledged
     * lowered the rate, so the deadline that was to find it grew while it was dead (to 5.1 s).
     */
    @Test
    void secondsWithNothingAcknowledgedLeaveTheRateSoADeadLinksDeadlineDoesNotGrow() {
        UplinkRate uplink = new UplinkRate();
        uplink.observe(0, SECOND);
        uplink.observe(1_000_000, 2 * SECOND);
        long before = uplink.millisFor(BACKLOG);
        for (int second = 3; second < 60; second++) {
            uplink.observe(1_000_000, second * SECOND);
        }
        assertEquals(1_000, uplink.bytesPerMilli(), 1, "idle or dead: nothing learnt");
        assertEquals(before, uplink.millisFor(BACKLOG));
    }

    @Test
    void eachDeathOfAProvenTransportLowersTheRateAFifthDownToTheFloor() {
        UplinkRate uplink = new UplinkRate();
        uplink.observe(0, SECOND);
        uplink.observe(1_000_000, 2 * SECOND);
        uplink.transportDied();
        assertEquals(800, uplink.bytesPerMilli(), 1, "a death may have been a false one on a slower link");
        for (int death = 0; death < 60; death++) {
            uplink.transportDied();
        }
        assertEquals(5_120, uplink.millisFor(BACKLOG), "repeated deaths end at the floor, never below it");
    }

    @Test
    void aSlowerLinkPullsTheRateDownToWhatItCarries() {
        UplinkRate uplink = new UplinkRate();
        uplink.observe(0, SECOND);
        uplink.observe(1_000_000, 2 * SECOND);
        long acked = 1_000_000;
        for (int second = 3; second < 30; second++) {
            acked += 100_000;
            uplink.observe(acked, second * SECOND);
        }
        assertEquals(100, uplink.bytesPerMilli(), 1);
    }
}
