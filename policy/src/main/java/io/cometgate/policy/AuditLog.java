package io.cometgate.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per channel decision and per channel close, through the SLF4J logger
 * {@code cometgate.audit} (route it to its own file in logback.xml). Text is
 * {@code key=value} pairs, or one JSON object per line when configured (written by Jackson).
 * Page-supplied values are escaped so a target or Origin cannot forge log lines; session ids, tokens and payloads
 * are never passed in, so they can never be logged.
 */
public final class AuditLog {

    public static final String LOGGER = "cometgate.audit";

    private static final int MAX_VALUE = 512;
    private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new AuditEscapes()).build();

    private final Logger log;
    private final boolean json;

    public AuditLog(boolean json) {
        this(LoggerFactory.getLogger(LOGGER), json);
    }

    AuditLog(Logger log, boolean json) {
        this.log = log;
        this.json = json;
    }

    public void decision(ConnectRequest request, Decision decision) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", "decision");
        f.put("verdict", decision.verdict().name());
        f.put("reason", decision.reason());
        f.put("rule", decision.rule());
        f.put("client", host(request.clientAddress()));
        f.put("origin", request.origin());
        f.put("target", request.target());
        f.put("address", address(decision.address()));
        f.put("token", request.token() == null ? null : "present");
        log.info("{}", render(f));
    }

    public void channelClosed(InetAddress clientAddress, String origin, String target, InetSocketAddress address,
                              long bytesUp, long bytesDown, long durationMillis, int closeCode, String reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", "closed");
        f.put("client", host(clientAddress));
        f.put("origin", origin);
        f.put("target", target);
        f.put("address", address(address));
        f.put("bytes_up", bytesUp);
        f.put("bytes_down", bytesDown);
        f.put("duration_ms", durationMillis);
        f.put("code", closeCode);
        f.put("reason", reason);
        log.info("{}", render(f));
    }

    private String render(Map<String, Object> fields) {
        if (!json) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                Object v = e.getValue();
                sb.append(sb.length() > 0 ? " " : "").append(e.getKey()).append('=');
                sb.append(v == null ? "-" : v instanceof Number ? v.toString() : quote(v.toString()));
            }
            return sb.toString();
        }
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) {
                    g.writeNull();
                } else if (v instanceof Number n) {
                    g.writeNumber(n.longValue());
                } else {
                    g.writeString(truncated(v.toString()));
                }
            }
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible); // a StringWriter does not fail
        }
        return out.toString();
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
