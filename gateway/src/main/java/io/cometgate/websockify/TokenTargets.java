package io.cometgate.websockify;

import io.cometgate.http.HttpResponses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.util.List;
import java.util.function.Function;

/**
 * The target named by a token, found where websockify's token plugins look: the {@code token}
 * query parameter ({@code ws://host/websockify?token=vnc1}, what noVNC sends), else a
 * {@code token} cookie (the form older websockify read). The token itself only selects an
 * entry of the table; the table entry still goes to the policy.
 */
final class TokenTargets implements Targets {

    /** Longer tokens are refused before any lookup (websockify has no bound; a log line does). */
    static final int MAX_TOKEN = 256;

    private final Function<String, String> table;

    /** @param table token to {@code host:port}, {@code null} for an unknown token; must not block */
    TokenTargets(Function<String, String> table) {
        this.table = table;
    }

    @Override
    public Lookup lookup(QueryStringDecoder query, HttpHeaders headers) {
        String token = token(query, headers);
        if (token == null || token.isEmpty()) {
            return Lookup.refused("token missing: connect with ?token=NAME (or a 'token' cookie)");
        }
        if (token.length() > MAX_TOKEN) {
            return Lookup.refused("token longer than " + MAX_TOKEN + " characters");
        }
        String target = table.apply(token);
        return target == null ? Lookup.refused("unknown token '" + HttpResponses.oneLine(token) + "'") : Lookup.found(target);
    }

    private static String token(QueryStringDecoder query, HttpHeaders headers) {
        List<String> values = query.parameters().get("token");
        if (values != null && !values.isEmpty()) {
            return values.get(0).strip(); // websockify strips the trailing newline a copy-paste brings
        }
        String cookieHeader = headers.get(HttpHeaderNames.COOKIE);
        if (cookieHeader != null) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(cookieHeader)) {
                if (cookie.name().equals("token")) {
                    return cookie.value().strip();
                }
            }
        }
        return null;
    }
}
