package io.cometgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestPacerTest {

    /** Takes requests and answers none until the test says so. */
    private static final class SilentApp extends ChannelInboundHandlerAdapter {
        final List<String> uris = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            uris.add(((FullHttpRequest) msg).uri());
            ReferenceCountUtil.release(msg);
        }
    }

    private final SilentApp app = new SilentApp();
    private final LongAdder closedForPipelining = new LongAdder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new RequestPacer(closedForPipelining),
            new HttpObjectAggregator(1024), app);

    private void pipeline(int requests) {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            all.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        channel.writeInbound(Unpooled.copiedBuffer(all, StandardCharsets.US_ASCII));
    }

    private void answerOne() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
    }

    @Test
    void aConnectionPipeliningWithoutReadingGetsOnlyABoundedNumberOfRequestsTakenAndStopsBeingRead() {
        pipeline(100);
        assertEquals(RequestPacer.MAX_IN_FLIGHT, app.uris.size(), "requests taken while none was answered");
        assertFalse(channel.config().isAutoRead(), "the connection is still being read");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void eachAnswerLetsTheNextHeldRequestThroughInOrderAndReadingResumesWhenNoneIsHeld() {
        pipeline(RequestPacer.MAX_IN_FLIGHT + 2);
        answerOne();
        assertEquals(RequestPacer.MAX_IN_FLIGHT + 1, app.uris.size());
        assertEquals("/r" + RequestPacer.MAX_IN_FLIGHT, app.uris.get(RequestPacer.MAX_IN_FLIGHT));
        answerOne();
        assertEquals(RequestPacer.MAX_IN_FLIGHT + 2, app.uris.size());
        assertFalse(channel.config().isAutoRead(), "still at the in-flight bound");
        answerOne();
        assertTrue(channel.config().isAutoRead(), "nothing held and room for more: read again");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aConnectionFarAheadOfItsAnswersIsClosedSoItPinsAtMostABoundedNumberOfParsedRequests() {
        pipeline(RequestPacer.MAX_IN_FLIGHT + RequestPacer.MAX_HELD);
        assertTrue(channel.isOpen(), "up to the bound, requests wait for their turn");
        assertEquals(0, closedForPipelining.sum());
        channel.finishAndReleaseAll();
        EmbeddedChannel greedy = new EmbeddedChannel(new HttpServerCodec(), new RequestPacer(closedForPipelining),
                new HttpObjectAggregator(1024), new SilentApp());
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1_000; i++) { // one 64 KiB read's worth of pipelined GETs
            all.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        greedy.writeInbound(Unpooled.copiedBuffer(all, StandardCharsets.US_ASCII));
        assertFalse(greedy.isOpen(), "a connection " + (1_000 - RequestPacer.MAX_IN_FLIGHT) + " requests ahead is still open");
        assertEquals(1, closedForPipelining.sum());
        assertFalse(greedy.finishAndReleaseAll()); // the paranoid leak detector reports any request not released
    }

    @Test
    void requestsHeldWhenTheConnectionClosesAreReleased() {
        pipeline(RequestPacer.MAX_IN_FLIGHT + 5);
        channel.close();
        assertFalse(channel.finishAndReleaseAll()); // the paranoid leak detector reports any held request not released
    }
}
