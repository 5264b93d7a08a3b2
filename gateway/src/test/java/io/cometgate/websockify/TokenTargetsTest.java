package io.cometgate.websockify;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The refusal quotes the client's token: it goes to the client and the audit log as one line. */
class TokenTargetsTest {

    private final TokenTargets targets = new TokenTargets(token -> token.equals("vnc1") ? "127.0.0.1:5900" : null);

    @Test
    void aKnownTokenNamesItsTarget() {
        assertEquals("127.0.0.1:5900", targets.lookup(new QueryStringDecoder("/websockify?token=vnc1"), new DefaultHttpHeaders()).hostPort());
    }

    @Test
    void anUnknownTokenWithControlCharactersIsQuotedOnOneLine() {
        Targets.Lookup lookup = targets.lookup(new QueryStringDecoder("/websockify?token=a%0Db%1Bc%7F"), new DefaultHttpHeaders());
        assertEquals("unknown token 'a?b?c?'", lookup.refusal());
    }
}
