package io.cometgate.client;

import io.cometgate.config.TransportKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerTimeTest {

    @Test
    void withNoAnswerSeenThePlansDeadlineStands() {
        assertEquals(5_000, new AnswerTime().deadlineMillis(5_000));
    }

    @Test
    void aLinkThatAnswersInMillisecondsIsSuspectedAtTheFloorNotAfterTheFixedDeadline() {
        AnswerTime answers = new AnswerTime();
        for (int i = 0; i < 50; i++) {
            answers.sample(20 + i % 3);
        }
        assertEquals(AnswerTime.FLOOR_MILLIS, answers.deadlineMillis(5_000));
        LivenessPlan plan = LivenessPlan.of(25_000, 30_000, TransportKind.WEBSOCKET, LivenessOptions.DEFAULTS);
        assertEquals(1_000, plan.answerMillis(0, 131_072, new UplinkRate(), answers), "the default 5 s base, scaled down to the floor");
        assertEquals(2_500, plan.probeAnswerMillis(0, 131_072, new UplinkRate()), "a probe's answer takes another path: not scaled");
    }

    @Test
    void aSlowButHealthyLinkGetsItsAnswerTimePlusFourVariations() {
        AnswerTime answers = new AnswerTime();
        for (int i = 0; i < 100; i++) {
            answers.sample(i % 2 == 0 ? 600 : 1_000); // answers at 0.6-1 s: mean 800 ms, deviation 200 ms
        }
        long deadline = answers.deadlineMillis(5_000);
        assertTrue(deadline >= 1_000 + 200 && deadline <= 800 + 4 * 250, "about 800 + 4 x 200 ms: " + deadline);
    }

    @Test
    void oneLateAnswerWidensTheDeadlineAtOnce() {
        AnswerTime answers = new AnswerTime();
        for (int i = 0; i < 50; i++) {
            answers.sample(100);
        }
        long before = answers.deadlineMillis(5_000);
        answers.sample(1_500);
        long after = answers.deadlineMillis(5_000);
        assertEquals(AnswerTime.FLOOR_MILLIS, before);
        assertTrue(after > 1_500, "the variation jumps by a quarter of the miss, four times counted: " + after);
    }

    @Test
    void neverLongerThanThePlanSays() {
        AnswerTime answers = new AnswerTime();
        answers.sample(9_000);
        assertEquals(2_000, answers.deadlineMillis(2_000));
        assertEquals(1_000, LivenessPlan.of(25_000, 30_000, TransportKind.XHR_STREAMING, LivenessOptions.DEFAULTS.withAckTimeout(1_000))
                .answerMillis(0, 131_072, new UplinkRate(), answers), "a tuned deadline is the ceiling");
    }
}
