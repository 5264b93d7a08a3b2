package io.cometgate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every measurement of a run (one row per scenario, route and repeat), the medians over the
 * repeats, a readable table and JSON.
 */
final class Results {

    record Row(String scenario, String route, String variant, int repeat, Map<String, Double> values) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();

    synchronized void add(String scenario, String route, String variant, int repeat, Map<String, Double> values) {
        rows.add(new Row(scenario, route, variant, repeat, values));
    }

    void machine(String key, String value) {
        machine.put(key, value);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Median of each metric over the repeats, keyed by scenario / route / variant. */
    synchronized Map<String, Map<String, Double>> medians() {
        Map<String, Map<String, List<Double>>> grouped = new LinkedHashMap<>();
        for (Row row : rows) {
            String key = row.scenario + " | " + row.route + (row.variant.isEmpty() ? "" : " | " + row.variant);
            Map<String, List<Double>> metrics = grouped.computeIfAbsent(key, k -> new LinkedHashMap<>());
            row.values.forEach((name, v) -> metrics.computeIfAbsent(name, n -> new ArrayList<>()).add(v));
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        grouped.forEach((key, metrics) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            metrics.forEach((name, values) -> m.put(name, median(values)));
            out.put(key, m);
        });
        return out;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    void printTable(PrintWriter out) {
        out.println("scenario | route | variant : median over repeats");
        medians().forEach((key, metrics) -> {
            StringBuilder line = new StringBuilder(String.format("%-42s", key));
            metrics.forEach((name, v) -> line.append("  ").append(name).append('=').append(format(v)));
            out.println(line);
        });
        out.flush();
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format("%d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.3g", v);
    }

    void writeJson(Path file) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"machine\": {");
        String sep = "";
        for (Map.Entry<String, String> e : machine.entrySet()) {
            json.append(sep).append("\n    ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
            sep = ",";
        }
        json.append("\n  },\n  \"rows\": [");
        sep = "";
        for (Row row : rows()) {
            json.append(sep).append("\n    {\"scenario\": ").append(str(row.scenario)).append(", \"route\": ").append(str(row.route))
                    .append(", \"variant\": ").append(str(row.variant)).append(", \"repeat\": ").append(row.repeat)
                    .append(", \"values\": ").append(values(row.values)).append('}');
            sep = ",";
        }
        json.append("\n  ],\n  \"medians\": {");
        sep = "";
        for (Map.Entry<String, Map<String, Double>> e : medians().entrySet()) {
            json.append(sep).append("\n    ").append(str(e.getKey())).append(": ").append(values(e.getValue()));
            sep = ",";
        }
        json.append("\n  }\n}\n");
        Files.writeString(file, json);
    }

    private static String values(Map<String, Double> values) {
        StringBuilder out = new StringBuilder("{");
        String sep = "";
        for (Map.Entry<String, Double> e : values.entrySet()) {
            double v = e.getValue();
            out.append(sep).append(str(e.getKey())).append(": ")
                    .append(Double.isNaN(v) || Double.isInfinite(v) ? "null" : (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)));
            sep = ", ";
        }
        return out.append('}').toString();
    }

    static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static double[] sorted(double... v) {
        double[] copy = v.clone();
        Arrays.sort(copy);
        return copy;
    }
}
