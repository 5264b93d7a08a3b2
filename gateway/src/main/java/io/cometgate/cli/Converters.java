package io.cometgate.cli;

import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/** Parsers for the value syntaxes flags share: sizes (64k, 1m), durations (500ms, 25s, 5m), host:port. */
final class Converters {

    private Converters() {
    }

    static final class Size implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            long factor = v.endsWith("k") ? 1024 : v.endsWith("m") ? 1024 * 1024 : 1;
            String digits = factor == 1 ? v : v.substring(0, v.length() - 1);
            try {
                long bytes = Long.parseLong(digits) * factor;
                if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is out of range");
                }
                return (int) bytes;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size (examples: 65536, 64k, 1m)");
            }
        }
    }

    static final class Time implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 25s, 5m)");
        }
    }

    /** {@code IP:PORT} or {@code [v6]:PORT} through the policy module's strict parser; port 0 = any free port. */
    static final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return io.cometgate.policy.HostPort.literalSocketAddress(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage()
                        + " (examples: 127.0.0.1:8080, [::1]:8080, 0.0.0.0:443)");
            }
        }
    }
}
