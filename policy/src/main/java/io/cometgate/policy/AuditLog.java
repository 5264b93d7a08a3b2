package io.cometgate.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per channel decision and per channel close, through the SLF4J logger
 * {@code cometgate.audit} (route it to its own file in logback.xml). Every field is also an
 * SLF4J key-value pair, which the JSON encoder writes as a top-level field; the message is the
 * same record as {@code key=value} text, so a text appender (an audit file with a plain pattern)
 * loses nothing whichever format the console uses. Page-supplied values are escaped and cut at 512 characters so
 * a target or Origin cannot forge log lines. A token is never logged: only its {@code sub} and
 * {@code jti} claims, read without verification (the verdict says whether it verified).
 */
public final class AuditLog {

    public static final String LOGGER = "cometgate.audit";
    private static final int MAX_VALUE = 512;
    private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new AuditEscapes()).build();

    private final Logger log;

    public AuditLog() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    AuditLog(Logger log) {
        this.log = log;
    }

    public void decision(ConnectRequest request, Decision decision) {
        decision(request, decision, null);
    }

    /** @param correlationId the channel's id in the audit trail, shared with its closed line; {@code null} for none */
    public void decision(ConnectRequest request, Decision decision, String correlationId) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", "decision");
        if (correlationId != null) {
            f.put("correlation_id", correlationId);
        }
        f.put("verdict", decision.verdict().name());
        f.put("reason", decision.reason());
        f.put("rule", decision.rule());
        f.put("client", host(request.clientAddress()));
        f.put("origin", request.origin());
        f.put("target", request.target());
        f.put("address", address(decision.address()));
        if (request.clientSubject() != null) {
            f.put("client_cert", request.clientSubject());
        }
        f.put("token", request.token() == null ? null : "present");
        TokenClaims.of(request.token()).ifPresent(claims -> {
            f.put("token_subject", claims.subject());
            f.put("token_id", claims.id());
        });
        write(f);
    }

    public void channelClosed(InetAddress clientAddress, String origin, String target, InetSocketAddress address,
                              long bytesUp, long bytesDown, long durationMillis, int closeCode, String reason) {
        channelClosed(null, clientAddress, null, origin, target, address, bytesUp, bytesDown, durationMillis, closeCode, reason);
    }

    public void channelClosed(String correlationId, InetAddress clientAddress, String clientSubject, String origin,
                              String target, InetSocketAddress address, long bytesUp, long bytesDown, long durationMillis,
                              int closeCode, String reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", "closed");
        if (correlationId != null) {
            f.put("correlation_id", correlationId);
        }
        f.put("client", host(clientAddress));
        if (clientSubject != null) {
            f.put("client_cert", clientSubject);
        }
        f.put("origin", origin);
        f.put("target", target);
        f.put("address", address(address));
        f.put("bytes_up", bytesUp);
        f.put("bytes_down", bytesDown);
        f.put("duration_ms", durationMillis);
        f.put("code", closeCode);
        f.put("reason", reason);
        write(f);
    }

    private void write(Map<String, Object> fields) {
        LoggingEventBuilder event = log.atInfo();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            event = event.addKeyValue(e.getKey(), v instanceof String text ? truncated(text) : v);
        }
        event.log(render(fields));
    }

    private static String render(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            sb.append(sb.length() > 0 ? " " : "").append(e.getKey()).append('=');
            sb.append(v == null ? "-" : v instanceof Number ? v.toString() : quote(v.toString()));
        }
        return sb.toString();
    }

    /** A JSON string literal (Jackson's escaping, plus DEL, U+2028 and U+2029); also safe in the text form. */
    static String quote(String s) {
        StringWriter out = new StringWriter(s.length() + 8);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(truncated(s));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    /** Page-supplied text is cut at 512 characters so one request cannot write a huge log line. */
    private static String truncated(String s) {
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) + "..." : s;
    }

    /**
     * JSON's mandatory escapes (quote, backslash, controls) plus DEL and the two Unicode line
     * separators, which some log viewers and JavaScript-based tools treat as line breaks.
     */
    private static final class AuditEscapes extends CharacterEscapes {

        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            ASCII[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 || ch == 0x2029 ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    private static String host(InetAddress a) {
        return a == null ? null : IpLiterals.format(a.getAddress());
    }

    private static String address(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return null;
        }
        String h = IpLiterals.format(a.getAddress().getAddress());
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
