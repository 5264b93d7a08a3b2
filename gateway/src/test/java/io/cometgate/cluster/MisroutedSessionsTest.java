package io.cometgate.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MisroutedSessionsTest {

    private static final String ID = "Xy3kQ0b8Vd1Rr2mT7pQ9aw.gw-2";

    @Test
    void onlyASessionItsLiveOwnerStillHoldsCountsAsMisrouted() {
        MisroutedSessions misrouted = new MisroutedSessions("gw-1");
        misrouted.report(new SessionDirectory.Lookup(ID, "gw-2", true), 0);
        assertEquals(1, misrouted.misrouted(), "gw-2 is alive and holds it: the balancer sent it to gw-1");
        misrouted.report(new SessionDirectory.Lookup(ID, "gw-2", false), 1);
        misrouted.report(new SessionDirectory.Lookup(ID, null, false), 2);
        assertEquals(1, misrouted.misrouted(), "a gone owner or no entry is a crash's aftermath, not a routing error");
        misrouted.report(new SessionDirectory.Lookup(ID, "gw-2", true), 3);
        assertEquals(2, misrouted.misrouted(), "counted even when its log line is left out");
    }

    @Test
    void logsShowARedactedIdWithItsNode() {
        assertEquals("Xy3kQ0….gw-2", MisroutedSessions.shortId(ID));
    }
}
