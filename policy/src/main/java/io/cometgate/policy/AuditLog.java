package io.cometgate.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per channel decision and per channel close, through the SLF4J logger
 * {@code cometgate.audit} (route it to its own file in logback.xml). Text is
 * {@code key=value} pairs, or one JSON object per line when configured. Page-supplied values
 * are escaped so a target or Origin cannot forge log lines; session ids, tokens and payloads
 * are never passed in, so they can never be logged.
 */
public final class AuditLog {

    public static final String LOGGER = "cometgate.audit";

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
        StringBuilder sb = new StringBuilder(json ? "{" : "");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            if (json) {
                sb.append(sb.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":");
                sb.append(v == null ? "null" : v instanceof Number ? v.toString() : quote(v.toString()));
            } else {
                sb.append(sb.length() > 0 ? " " : "").append(e.getKey()).append('=');
                sb.append(v == null ? "-" : v instanceof Number ? v.toString() : quote(v.toString()));
            }
        }
        return json ? sb.append('}').toString() : sb.toString();
    }

    /** JSON string escaping; also safe for the text form (no raw quotes, newlines or controls). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        int max = Math.min(s.length(), 512);
        for (int i = 0; i < max; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.append('"').toString();
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
