package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StampedTest {

    @Test
    void messagesSplitAndMergedAnyWayComeOutWholeWithTheirStamps() {
        List<Long> stamps = new ArrayList<>();
        Stamped listener = new Stamped(16) {
            @Override
            void message(Conn conn, long stamp) {
                stamps.add(stamp);
            }
        };
        ByteBuf all = Unpooled.buffer();
        for (long s = 1; s <= 5; s++) {
            all.writeLong(s * 1_000_000_007L).writeZero(8);
        }
        for (int cut : new int[] {3, 1, 20, 7, 49}) {
            ByteBuf piece = all.readRetainedSlice(cut);
            listener.onData(null, piece);
            piece.release();
        }
        all.release();
        assertEquals(List.of(1_000_000_007L, 2_000_000_014L, 3_000_000_021L, 4_000_000_028L, 5_000_000_035L), stamps);
    }

    @Test
    void mediansAreTakenPerScenarioRouteAndMetricOverRepeats() {
        Results results = new Results();
        results.add("S2", "websocket", "", 1, Map.of("MB_per_s", 10.0));
        results.add("S2", "websocket", "", 2, Map.of("MB_per_s", 30.0));
        results.add("S2", "websocket", "", 3, Map.of("MB_per_s", 20.0));
        assertEquals(20.0, results.medians().get("S2 | websocket").get("MB_per_s"));
    }
}
