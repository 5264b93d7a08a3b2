package io.cometgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code serve} config file: one {@code name = value} per line, {@code name} being a flag's
 * long name without the dashes ({@code listen = 127.0.0.1:8080}), {@code #} comments, blank
 * lines. A repeatable flag may be given on several lines (or comma-separated). Problems are
 * collected as {@code file:line: message}, never thrown, so all of them are reported at once.
 */
final class ServeSettings {

    private static final Pattern LINE = Pattern.compile("([a-z][a-z0-9-]*)\\s*=\\s*(.*?)\\s*");

    /** One setting and where it came from: {@code serve.conf:3: heartbeat = 5s}, for messages. */
    record Value(String text, String source) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    private final Path file;

    private ServeSettings(Path file) {
        this.file = file;
    }

    static ServeSettings empty() {
        return new ServeSettings(null);
    }

    static ServeSettings read(Path file) {
        ServeSettings settings = new ServeSettings(file);
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            settings.problems.add(file + ": cannot read the config file (" + e.getMessage() + ")");
            return settings;
        }
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            String where = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                settings.problems.add(where + ": expected 'name = value' (e.g. 'listen = 127.0.0.1:8080'), got '" + line + "'");
                continue;
            }
            String name = m.group(1);
            Value before = settings.values.get(name);
            String joined = before == null ? m.group(2) : before.text() + "," + m.group(2);
            settings.values.put(name, new Value(joined, where + ": " + name + " = " + m.group(2)));
            settings.lines.putIfAbsent(name, i + 1);
        }
        return settings;
    }

    /** The value for a flag's long name without dashes, or {@code null}. */
    Value get(String name) {
        return values.get(name);
    }

    /** Every name in the file, with the place it was first set ({@code file:line}). */
    Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        values.forEach((name, value) -> names.put(name, file + ":" + lines.get(name)));
        return names;
    }

    List<String> problems() {
        return problems;
    }
}
