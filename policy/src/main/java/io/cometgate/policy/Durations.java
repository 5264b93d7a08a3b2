package io.cometgate.policy;

import java.time.Duration;

/**
 * The one duration grammar of cometgate, for policy files and command-line flags alike:
 * {@code 0}, {@code 500ms}, {@code 5s}, {@code 30m}, {@code 2h}.
 */
public final class Durations {

    private Durations() {
    }

    /** Parses {@code s}; throws {@link IllegalArgumentException} with a one-line reason and examples. */
    public static Duration parse(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        var m = java.util.regex.Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h)").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad duration '" + s + "' (e.g. 500ms, 5s, 30m, 2h, or 0)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The shortest exact spelling of {@code d} in the same grammar. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
