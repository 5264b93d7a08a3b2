package io.cometgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

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

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

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

    /** The machine, every row and the medians, as indented JSON (through Jackson). */
    void writeJson(Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", machine);
        List<Map<String, Object>> rowList = new ArrayList<>();
        for (Row row : rows()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scenario", row.scenario);
            r.put("route", row.route);
            r.put("variant", row.variant);
            r.put("repeat", row.repeat);
            r.put("values", numbers(row.values));
            rowList.add(r);
        }
        doc.put("rows", rowList);
        Map<String, Object> medians = new LinkedHashMap<>();
        medians().forEach((key, values) -> medians.put(key, numbers(values)));
        doc.put("medians", medians);
        JSON.writeValue(file.toFile(), doc);
    }

    /** JSON has no NaN or infinity: a metric with no samples is null; whole numbers print without ".0". */
    private static Map<String, Object> numbers(Map<String, Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((name, v) -> out.put(name, Double.isNaN(v) || Double.isInfinite(v) ? null
                : v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v.doubleValue() : v));
        return out;
    }

    static double[] sorted(double... v) {
        double[] copy = v.clone();
        Arrays.sort(copy);
        return copy;
    }
}
