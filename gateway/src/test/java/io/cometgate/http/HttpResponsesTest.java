package io.cometgate.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** An error's reason is one line, even when it quotes what the client sent. */
class HttpResponsesTest {

    @Test
    void controlCharactersInAReasonBecomeQuestionMarksSoTheBodyStaysOneLine() {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpResponses.error(channel, HttpResponseStatus.BAD_REQUEST, "maxBatch must be a byte count, not \"1\r\nX: y\"", true, null);
        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals("400 Bad Request: maxBatch must be a byte count, not \"1??X: y\"\n",
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aReasonWithoutControlCharactersIsUnchanged() {
        assertEquals("unknown or expired session: ünïcode", HttpResponses.oneLine("unknown or expired session: ünïcode"));
    }
}
