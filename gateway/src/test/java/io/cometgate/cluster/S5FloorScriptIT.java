package io.cometgate.cluster;

import io.cometgate.testing.process.ExternalProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/cluster/s5-floor.sh at a tiny size (docs/SCALING.md, "What the machine itself
 * allows"): every round (direct, the bare relay, one and two HAProxy TCP hops) reaches the
 * backend through its own path, delivers every tick, and reports the hop's CPU. Timing is
 * not asserted; the point is that the script that backs issue 12's figures keeps working.
 */
class S5FloorScriptIT {

    private static final Path SCRIPT = Path.of("..", "examples", "cluster", "s5-floor.sh");
    private static final List<String> ROUNDS = List.of("direct", "relay", "haproxy", "haproxy2");

    @Test
    void everyRoundDeliversEveryTickAndEveryHopReportsItsCpu() throws Exception {
        int base = freeBase();
        Map<String, String> env = Map.of("JAR", System.getProperty("cometgate.jar"), "CLIENTS", "1",
                "SESSIONS", "20", "SECONDS_", "2", "BE_BASE", String.valueOf(base));
        try (ExternalProcess script = ExternalProcess.start("bash", List.of("/bin/bash", SCRIPT.toString()), null, env)) {
            Integer exit = script.awaitExit(Duration.ofSeconds(150));
            String output = script.output();
            assertEquals(0, exit, "s5-floor.sh failed:\n" + output);
            for (String round : ROUNDS) {
                assertTrue(output.lines().anyMatch(l -> l.startsWith("  " + round + " | n=20 ")
                        && l.contains("delivered_percent=100 ") && l.contains("failed_sessions=0 ")),
                        round + ": no row with every tick delivered:\n" + output);
            }
            for (String hop : ROUNDS.subList(1, ROUNDS.size())) {
                assertTrue(output.lines().anyMatch(l -> l.startsWith("  " + hop + " processes' CPU from the first tick")
                        && l.matches(".* [0-9]+ us per tick asked")), hop + ": no CPU line:\n" + output);
            }
        }
    }

    /** A base port whose four offsets the script listens on (+1, +101, +201, +301) are all free. */
    private static int freeBase() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + (int) (Math.random() * 12000); // below Linux's ephemeral ports (32768 up)
            if (List.of(1, 101, 201, 301).stream().noneMatch(offset -> ExternalProcess.accepts(base + offset))) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range for s5-floor.sh");
    }
}
