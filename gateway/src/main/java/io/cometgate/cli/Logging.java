package io.cometgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;

/** Applies --log-level and --log-format to Logback (configured in logback.xml for text by default). */
final class Logging {

    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    private Logging() {
    }

    /** Returns a problem description, or {@code null} when applied. */
    static String configure(String level, String format) {
        String lower = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(lower)) {
            return "--log-level must be one of error, warn, info, debug, trace (got '" + level + "')";
        }
        if (!format.equals("text") && !format.equals("json")) {
            return "--log-format must be text or json (got '" + format + "')";
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null; // another SLF4J backend: leave its configuration alone
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(lower));
        if (format.equals("json")) {
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(context);
            appender.setTarget("System.err");
            appender.setEncoder(jsonEncoder(context));
            appender.start();
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
        }
        return null;
    }

    /**
     * One flat JSON object per line: {@code time} (ISO-8601, UTC), {@code level}, {@code logger_name},
     * {@code thread_name}, the formatted {@code message}, and every SLF4J key-value pair as a
     * top-level field (the audit records' {@code verdict}, {@code target}, ...), so {@code jq .verdict}
     * works. Stack traces go to {@code stack_trace}.
     */
    static LogstashEncoder jsonEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.getFieldNames().setTimestamp("time");
        encoder.getFieldNames().setVersion("[ignore]");
        encoder.getFieldNames().setLevelValue("[ignore]");
        encoder.setTimeZone("UTC");
        encoder.start();
        return encoder;
    }
}
