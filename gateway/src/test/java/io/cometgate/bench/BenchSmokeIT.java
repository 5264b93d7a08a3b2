package io.cometgate.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cometgate.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario with tiny numbers, end to end: `cometgate bench run` starts a backend, a bare
 * relay and a gateway in their own JVMs, drives them, and must report sane figures (everything
 * delivered, throughput above zero, JSON that parses). No timing is asserted.
 */
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void throughputLatencyRateAndWireScenariosReportEveryRouteWithNothingLost() throws Exception {
        Map<String, Map<String, Object>> medians = run("--scenarios", "S0,S2,S3,S4,S7", "--duration", "1",
                "--s3-rate", "200", "--s4-sessions", "5", "--s7-messages", "10", "--route-warmup-s", "1",
                "--route-warmup-max-s", "2");
        List<String> routes = List.of("direct", "relay", "websocket", "xhr-streaming", "xhr-streaming-binary", "eventsource", "htmlfile",
                "xhr-polling", "xhr-polling-binary"); // the default transports, the binary bodies included
        for (String route : routes) {
            // each route's S2 and S4 warm-ups waited for a steady rate, for 2 s at most, and said how it ended
            Matcher ends = Pattern.compile("bench:   " + route + " (steady|still rising) after [12] s").matcher(progress);
            assertEquals(2, ends.results().count(), route + "'s warm-ups did not end as asked:\n" + progress);
            assertTrue(number(medians, "S2 | " + route, "MB_per_s") > 0, route + " moved no bytes");
            assertEquals(number(medians, "S3 | " + route, "sent"), number(medians, "S3 | " + route, "received"),
                    route + " lost ping-pong messages");
            assertTrue(number(medians, "S3 | " + route, "sent") > 0);
            assertTrue(number(medians, "S4 | " + route + " | n=5", "round_trips_per_s") > 0, route + " made no round trips");
            assertEquals(0.0, number(medians, "S4 | " + route + " | n=5", "failed_sessions"));
        }
        for (String route : routes.subList(2, routes.size())) {
            assertTrue(number(medians, "S7 | " + route, "down_bytes_per_msg") > Scenarios.SMALL,
                    route + " cannot carry 64 B in fewer bytes than that");
            assertTrue(medians.containsKey("S2-ratio | " + route), "no ratio to direct for " + route);
            assertTrue(number(medians, "S2-ratio | " + route, "percent_of_relay") > 0, "no ratio to the relay for " + route);
            assertTrue(number(medians, "S4-ratio | " + route + " | n=5", "percent_of_relay") > 0, "no S4 ratio to the relay for " + route);
            // CPU per MB is read for the client, the gateway (the route's server) and the backend; the backend's
            // share of a slow route's 1 s can stay under /proc's 10 ms tick, so only its presence is checked
            for (String process : List.of("client", "server")) {
                assertTrue(number(medians, "S2 | " + route, process + "_cpu_ms_per_MB") > 0, route + ": no " + process + " CPU per MB");
            }
            assertTrue(number(medians, "S2 | " + route, "backend_cpu_ms_per_MB") >= 0, route + ": no backend CPU per MB");
            // S4 charges CPU per round trip the same way: a second of five busy sessions is past the tick
            for (String process : List.of("client", "server")) {
                assertTrue(number(medians, "S4 | " + route + " | n=5", process + "_cpu_us_per_rt") > 0,
                        route + ": no " + process + " CPU per round trip");
            }
        }
        assertTrue(number(medians, "S4 | relay | n=5", "server_cpu_us_per_rt") > 0, "no relay CPU per round trip");
        assertTrue(!medians.get("S4 | direct | n=5").containsKey("server_cpu_us_per_rt"), "the direct route has no server to charge");
        assertTrue(number(medians, "S2 | relay", "server_cpu_ms_per_MB") > 0, "no relay CPU per MB");
        assertTrue(!medians.get("S2 | direct").containsKey("server_cpu_ms_per_MB"), "the direct route has no server to charge");
    }

    @Test
    void capacityFanOutAndChurnScenariosHoldEverySessionAndReturnToBaseline() throws Exception {
        Map<String, Map<String, Object>> medians = run("--scenarios", "S1,S5,S6", "--transports", "websocket,xhr-polling",
                "--s1-sessions", "20", "--idle-seconds", "1", "--s5-sessions", "10", "--s5-seconds", "4",
                "--s5-interval-ms", "250", "--cpu-pid", "tests=" + ProcessHandle.current().pid(),
                "--s6-steady", "5", "--s6-rate", "10", "--s6-seconds", "1");
        for (String route : List.of("websocket", "xhr-polling")) {
            assertEquals(20.0, number(medians, "S1 | " + route + " | n=20", "held"), route + " did not hold every session");
            assertEquals(0.0, number(medians, "S1 | " + route + " | n=20", "failures"));
            assertEquals(100.0, number(medians, "S5 | " + route + " | n=10", "delivered_percent"), route + " lost ticks");
            // Every session was asked for its ticks at once, after all were open: the backend sent the first ticks together
            // The default phasing spreads 10 sessions' first ticks over 0..225 ms of the first 250 ms interval
            // (over 0..900 ms if --s5-interval-ms were ignored), and 4 ticks 250 ms apart take about a second, not 4
            double spread = number(medians, "S5 | " + route + " | n=10", "first_tick_spread_ms");
            assertTrue(spread >= 120 && spread < 700, route + " first ticks not spread over 250 ms: " + spread + " ms");
            double ticking = number(medians, "S5 | " + route + " | n=10", "ticking_s");
            assertTrue(ticking < 3.0, route + ": 4 ticks 250 ms apart took " + ticking + " s");
            assertTrue(number(medians, "S5 | " + route + " | n=10", "gateway_cpu_us_per_tick") > 0, route + ": no gateway CPU per tick");
            // --cpu-pid: this test JVM counted as a process on the path, and the path's sum includes it
            double tests = number(medians, "S5 | " + route + " | n=10", "tests_cpu_us_per_tick");
            assertTrue(tests > 0, route + ": no CPU per tick for --cpu-pid");
            assertTrue(number(medians, "S5 | " + route + " | n=10", "path_cpu_us_per_tick") >= tests
                    + number(medians, "S5 | " + route + " | n=10", "gateway_cpu_us_per_tick"), route + ": path sum misses a process");
            assertTrue(number(medians, "S6 | " + route, "churned_sessions") > 0, route + " churned nothing");
            assertTrue(number(medians, "S6 | " + route, "server_fds_after") <= number(medians, "S6 | " + route, "server_fds_before") + 2,
                    route + " kept files open after the drain");
        }
        assertEquals(100.0, number(medians, "S5 | direct | n=10", "delivered_percent"));
    }

    @Test
    void theHostileNeighbourScenarioRunsEveryAttackerKindAndTheGatewaySurvivesThem() throws Exception {
        Map<String, Map<String, Object>> medians = run("--scenarios", "S8", "--transports", "websocket", "--no-relay",
                "--duration", "2", "--s3-rate", "200", "--s8-attackers", "3");
        for (String phase : List.of("alone", "pipeliner", "uploader", "ws-downloader", "xhr-downloader", "slowloris",
                "ws-trickle", "malformed", "all")) {
            assertEquals(1.0, number(medians, "S8 | websocket | " + phase, "alive"), "the gateway died during " + phase);
        }
        assertEquals(1.0, number(medians, "S8 | websocket | alone", "canary_ok"));
        // A pipeliner blocks once the gateway stops reading. With the kernel's send-buffer
        // autotuning each wrote 2-4 MiB in 54-byte writes first: 100 of them kept the bench
        // client's threads runnable and starved the canary and the gateway of CPU (issue 11).
        double pipelined = number(medians, "S8 | websocket | pipeliner", "pipeliner_sent_kib");
        assertTrue(pipelined > 0 && pipelined < 1024, "a pipeliner wrote " + pipelined + " KiB before it blocked");
        assertTrue(number(medians, "S8 | websocket | alone", "open_ms") > 0);
        assertTrue(number(medians, "S8 | websocket | alone", "sent") > 0);
        assertEquals(number(medians, "S8 | websocket | alone", "sent"), number(medians, "S8 | websocket | alone", "received"),
                "the canary lost echoes with no attacker running");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorThatNamesTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("bench", "run", "--scenarios", "S9", "--transports", "none", "--no-relay");
        assertEquals(2, code);
        assertTrue(err.toString().contains("S0..S8"), err.toString());
    }

    /** What the last run() printed on its progress stream (stderr). */
    private String progress = "";

    private Map<String, Map<String, Object>> run(String... extra) throws Exception {
        Path json = dir.resolve("bench.json");
        List<String> args = new ArrayList<>(List.of("bench", "run", "--repeat", "1", "--warmup-ms", "100", "--json", json.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(String[]::new));
        progress = err.toString();
        assertEquals(0, code, "bench run failed:\n" + err + out);
        assertTrue(out.toString().contains("median over repeats"), out.toString());
        Map<String, Object> parsed = new ObjectMapper().readValue(Files.readString(json), new TypeReference<>() { });
        assertTrue(parsed.containsKey("machine"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> medians = (Map<String, Map<String, Object>>) parsed.get("medians");
        return medians;
    }

    private static double number(Map<String, Map<String, Object>> medians, String key, String metric) {
        Map<String, Object> row = medians.get(key);
        assertTrue(row != null, "no row '" + key + "' in " + medians.keySet());
        Object value = row.get(metric);
        assertTrue(value instanceof Number, "no number " + metric + " in " + key + ": " + row);
        return ((Number) value).doubleValue();
    }
}
