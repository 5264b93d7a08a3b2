package io.cometgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figures derived inside one repeat, so a noisy minute moves both sides of a ratio: S2
 * throughput as a share of direct, S3 latency added over direct, S4 rate as a share of direct.
 */
final class Derived {

    private Derived() {
    }

    static void addRatios(Results results) {
        List<Results.Row> rows = results.rows();
        List<Runnable> adds = new ArrayList<>();
        for (Results.Row row : rows) {
            if (row.route().equals("direct")) {
                continue;
            }
            Results.Row direct = rows.stream().filter(d -> d.route().equals("direct") && d.scenario().equals(row.scenario())
                    && d.variant().equals(row.variant()) && d.repeat() == row.repeat()).findFirst().orElse(null);
            if (direct == null) {
                continue;
            }
            Results.Row relay = row.route().equals("relay") ? null : rows.stream().filter(d -> d.route().equals("relay")
                    && d.scenario().equals(row.scenario()) && d.variant().equals(row.variant()) && d.repeat() == row.repeat())
                    .findFirst().orElse(null);
            switch (row.scenario()) {
                case "S2" -> adds.add(() -> results.add("S2-ratio", row.route(), row.variant(), row.repeat(),
                        ratios(row, direct, relay, "MB_per_s")));
                case "S3" -> adds.add(() -> results.add("S3-added", row.route(), row.variant(), row.repeat(), Scenarios.values(
                        "added_p50_us", row.values().get("p50_us") - direct.values().get("p50_us"),
                        "added_p99_us", row.values().get("p99_us") - direct.values().get("p99_us"))));
                case "S4" -> adds.add(() -> results.add("S4-ratio", row.route(), row.variant(), row.repeat(),
                        ratios(row, direct, relay, "round_trips_per_s")));
                default -> { }
            }
        }
        adds.forEach(Runnable::run);
    }

    /** The row's metric as a percentage of the direct route's and, when the run has one, of the bare relay's. */
    private static Map<String, Double> ratios(Results.Row row, Results.Row direct, Results.Row relay, String metric) {
        Map<String, Double> out = Scenarios.values("percent_of_direct", 100 * row.values().get(metric) / direct.values().get(metric));
        if (relay != null) {
            out.put("percent_of_relay", 100 * row.values().get(metric) / relay.values().get(metric));
        }
        return out;
    }
}
