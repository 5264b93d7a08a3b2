package io.cometgate.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The session round trip, from sequenced frames and cumulative acknowledgements. */
class RttEstimatorTest {

    @Test
    void theFirstSampleIsTakenAsItIs() {
        RttEstimator rtt = new RttEstimator();
        assertEquals(0, rtt.nanos());
        rtt.sent(5, 1_000);
        rtt.acked(4, 2_000);
        assertEquals(0, rtt.nanos(), "an ack short of the timed frame is no sample");
        rtt.acked(5, 9_000);
        assertEquals(8_000, rtt.nanos());
    }

    @Test
    void laterSamplesAreSmoothedAnEighthAtATime() {
        RttEstimator rtt = new RttEstimator();
        rtt.sent(1, 0);
        rtt.acked(1, 8_000);
        rtt.sent(2, 10_000);
        rtt.acked(7, 26_000); // a cumulative ack covering it: 16,000
        assertEquals(9_000, rtt.nanos());
    }

    @Test
    void oneFrameIsTimedAtATime() {
        RttEstimator rtt = new RttEstimator();
        rtt.sent(1, 0);
        rtt.sent(2, 5_000);
        rtt.acked(2, 6_000);
        assertEquals(6_000, rtt.nanos(), "timed from the first frame, not the second");
    }

    @Test
    void aResendSpoilsTheSampleUnderWay() {
        RttEstimator rtt = new RttEstimator();
        rtt.sent(1, 0);
        rtt.resent();
        rtt.acked(1, 50_000);
        assertEquals(0, rtt.nanos());
    }
}
