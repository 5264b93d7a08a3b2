package io.cometgate.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slowloris defence, on EmbeddedChannel's clock (no sleeping). */
class HeaderTimeoutHandlerTest {

    private final EmbeddedChannel ch = new EmbeddedChannel();

    HeaderTimeoutHandlerTest() {
        ch.freezeTime(); // only advance() moves the clock, however slow the machine
        ch.pipeline().addLast(new HeaderTimeoutHandler(1_000, 5_000));
        ch.pipeline().fireChannelActive(); // the connection opens now, on the frozen clock
    }

    private void advance(long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private void request() {
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        ReferenceCountUtil.release(ch.readInbound());
    }

    @Test
    void aConnectionThatSendsNoRequestWithinTheRequestTimeoutIsClosed() {
        advance(999);
        assertTrue(ch.isOpen(), "not yet");
        advance(2);
        assertFalse(ch.isOpen());
    }

    @Test
    void aRequestBeingAnsweredIsNeverTimedOut() {
        request();
        advance(60_000);
        assertTrue(ch.isOpen(), "a held poll or a stream may take as long as it takes");
        ch.finishAndReleaseAll();
    }

    @Test
    void afterTheResponseTheNextRequestHasTheKeepAliveTimeout() {
        request();
        ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        ReferenceCountUtil.release(ch.readOutbound());
        advance(4_999);
        assertTrue(ch.isOpen());
        advance(2);
        assertFalse(ch.isOpen());
    }
}
