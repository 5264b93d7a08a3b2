package io.cometgate.flags;

import io.cometgate.policy.Durations;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value syntaxes flags share, each with its valid range, so a bad value is a
 * usage error (exit 2) with one line saying what is wrong, never a failure later at run time.
 * Durations use the policy file's grammar ({@link Durations}): one grammar everywhere.
 */
public final class Converters {

    private Converters() {
    }

    /** Bytes: {@code 65536}, {@code 64k}, {@code 1m}; 1 byte .. 1 GiB. */
    public static final class Size implements CommandLine.ITypeConverter<Integer> {
        private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})([km]?)");
        private static final long MAX = 1024L * 1024 * 1024;

        @Override
        public Integer convert(String value) {
            Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size (examples: 65536, 64k, 1m)");
            }
            long factor = switch (m.group(2)) {
                case "k" -> 1024;
                case "m" -> 1024 * 1024;
                default -> 1;
            };
            long bytes = Long.parseLong(m.group(1)) * factor;
            if (bytes < 1 || bytes > MAX) {
                throw new TypeConversionException("'" + value + "' is out of range: 1 byte to 1024m");
            }
            return (int) bytes;
        }
    }

    /** A duration in {@link Durations}' grammar within {@code [min, max]}. */
    abstract static class DurationIn implements CommandLine.ITypeConverter<Duration> {
        private final Duration min;
        private final Duration max;

        DurationIn(Duration min, Duration max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = Durations.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 25s, 5m, 1h)");
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new TypeConversionException("'" + value + "' is out of range: " + (min.isZero() ? "0" : Durations.format(min))
                        + " to " + Durations.format(max));
            }
            return d;
        }
    }

    /** Timeouts and intervals: a zero or negative one makes no sense (1ms .. 24h). */
    public static final class PositiveDuration extends DurationIn {
        public PositiveDuration() {
            super(Duration.ofMillis(1), Duration.ofHours(24));
        }
    }

    /** A grace period, where 0 means "none" (0 .. 24h). */
    public static final class GraceDuration extends DurationIn {
        public GraceDuration() {
            super(Duration.ZERO, Duration.ofHours(24));
        }
    }

    /** An integer within {@code [min, max]}. */
    abstract static class IntIn implements CommandLine.ITypeConverter<Integer> {
        private final int min;
        private final int max;

        IntIn(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < min || n > max) {
                throw new TypeConversionException("'" + value + "' is out of range: " + min + " to " + max);
            }
            return n;
        }
    }

    /** Counts, rates and second counts that must be at least 1. */
    public static final class Positive extends IntIn {
        public Positive() {
            super(1, Integer.MAX_VALUE);
        }
    }

    /** Counts where 0 means "none". */
    public static final class NonNegative extends IntIn {
        public NonNegative() {
            super(0, Integer.MAX_VALUE);
        }
    }

    /** Seconds as a whole number, at least 1 (bench tools' lifetimes). */
    public static final class PositiveLong implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new TypeConversionException("'" + value + "' is out of range: at least 1");
            }
            return n;
        }
    }

    /** Event-loop threads: 1 .. 1024 (beyond that, threads only cost memory and context switches). */
    public static final class Threads extends IntIn {
        public Threads() {
            super(1, 1024);
        }
    }

    /** Certificate validity in days: 1 .. 100 years. */
    public static final class Days extends IntIn {
        public Days() {
            super(1, 36500);
        }
    }

    /** {@code IP:PORT} or {@code [v6]:PORT} through the policy module's strict parser; port 0 = any free port. */
    public static final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return io.cometgate.policy.HostPort.literalSocketAddress(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (examples: 127.0.0.1:8080, [::1]:8080, 0.0.0.0:443)");
            }
        }
    }
}
