package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.session.Session;
import io.cometgate.testing.EmbeddedSessions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each HTTP transport puts on the wire, driven through an EmbeddedChannel that plays the
 * browser's connection (the session runs on the same embedded loop).
 */
class ReceiverFramingTest {

    private final EmbeddedChannel http = new EmbeddedChannel();
    private final EmbeddedSessions sessions = new EmbeddedSessions(GatewayConfig.defaults()
            .withSizes(128 * 1024, 128 * 1024, 256 * 1024, 4096)
            .withTimeouts(Duration.ofSeconds(25), Duration.ofSeconds(30), Duration.ofMillis(100)));
    private final Session session = sessions.create(http);

    @AfterEach
    void tearDown() {
        session.close(CloseCode.NORMAL, "test over");
        http.runPendingTasks();
        http.finishAndReleaseAll();
    }

    /** Everything written so far, as text; the response head is checked and dropped. */
    private String written() {
        StringBuilder text = new StringBuilder();
        Object out;
        while ((out = http.readOutbound()) != null) {
            try {
                if (out instanceof HttpContent content) {
                    text.append(content.content().toString(StandardCharsets.US_ASCII));
                } else {
                    assertInstanceOf(HttpResponse.class, out);
                }
            } finally {
                ReferenceCountUtil.release(out);
            }
        }
        return text.toString();
    }

    private static List<Frame> decode(String base64) throws Exception {
        ByteBuf batch = Unpooled.wrappedBuffer(Base64.getDecoder().decode(base64));
        try {
            return FrameCodec.decodeBatch(batch, 1 << 20);
        } finally {
            batch.release();
        }
    }

    private static String text(Frame frame) {
        try {
            return frame.payload().toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
    }

    @Test
    void xhrStreamingSendsAPaddingLineThenOneBase64BatchPerLine() throws Exception {
        XhrStreamingReceiver stream = new XhrStreamingReceiver(http, session, false);
        stream.start(headers -> { });
        session.attach(stream, 0);
        session.sendData(1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
        http.runPendingTasks();
        String[] lines = written().split("\n");
        assertTrue(lines[0].isBlank() && lines[0].length() >= 2048, "a padding line of at least 2 KiB first");
        List<Frame> hello = decode(lines[1]);
        assertEquals(FrameType.HELLO, hello.get(0).type());
        assertTrue(text(hello.get(0)).contains("\"session\":\"" + session.id() + "\""));
        List<Frame> data = decode(lines[2]);
        assertEquals(FrameType.DATA, data.get(0).type());
        assertEquals("hello", text(data.get(0)));
    }

    /** Everything written so far as raw bytes; the response head is returned. */
    private HttpResponse writtenBinary(io.netty.buffer.CompositeByteBuf into) {
        HttpResponse head = null;
        Object out;
        while ((out = http.readOutbound()) != null) {
            if (out instanceof HttpResponse response) {
                head = response;
            }
            if (out instanceof HttpContent content) {
                into.addComponent(true, content.content().retain());
            }
            ReferenceCountUtil.release(out);
        }
        return head;
    }

    /**
     * A binary stream's batch is one chunk, not a WebSocket message: what is waiting goes out in
     * one chunk up to --max-window, past --max-message (at 128 KiB per chunk the stream paid a
     * write and a hand-off to its connection's loop per 128 KiB, issue 13). A text stream keeps
     * --max-message: its client reads a batch only once the line is whole.
     */
    @Test
    void aBinaryStreamSendsWhatIsWaitingInOneChunkPastMaxMessageATextOneDoesNot() throws Exception {
        assertEquals(1, dataChunksForThreeFrames(true), "three 64 KiB frames in one binary chunk");
        assertEquals(2, dataChunksForThreeFrames(false), "text: 128 KiB per line");
    }

    private static int dataChunksForThreeFrames(boolean binary) {
        EmbeddedChannel bulk = new EmbeddedChannel();
        EmbeddedSessions large = new EmbeddedSessions(GatewayConfig.defaults()); // 128 KiB --max-message, 1 MiB budget and window
        Session bulkSession = large.create(bulk);
        try {
            XhrStreamingReceiver stream = new XhrStreamingReceiver(bulk, bulkSession, binary);
            stream.start(headers -> { });
            bulkSession.attach(stream, 0);
            bulk.runPendingTasks();
            Object greeting;
            while ((greeting = bulk.readOutbound()) != null) {
                ReferenceCountUtil.release(greeting); // the head, the padding and the HELLO
            }
            for (int i = 0; i < 3; i++) {
                bulkSession.sendData(1, Unpooled.wrappedBuffer(new byte[64 * 1024]));
            }
            bulk.runPendingTasks();
            int chunks = 0;
            long bytes = 0;
            Object out;
            while ((out = bulk.readOutbound()) != null) {
                if (out instanceof HttpContent content) {
                    chunks++;
                    bytes += content.content().readableBytes();
                }
                ReferenceCountUtil.release(out);
            }
            assertTrue(bytes > 3 * 64 * 1024, "all three frames: " + bytes + " bytes");
            return chunks;
        } finally {
            bulkSession.close(CloseCode.NORMAL, "test over");
            bulk.runPendingTasks();
            bulk.finishAndReleaseAll();
        }
    }

    /** A larger batch takes no more than the stream's budget has left: the stream still ends near it. */
    @Test
    void aStreamsBatchStopsAtWhatItsBudgetHasLeft() throws Exception {
        EmbeddedChannel bulk = new EmbeddedChannel();
        EmbeddedSessions budgeted = new EmbeddedSessions(GatewayConfig.defaults()
                .withSizes(128 * 1024, 128 * 1024, 256 * 1024, 256 * 1024));
        Session bulkSession = budgeted.create(bulk);
        try {
            XhrStreamingReceiver stream = new XhrStreamingReceiver(bulk, bulkSession, true);
            stream.start(headers -> { });
            bulkSession.attach(stream, 0);
            for (int i = 0; i < 5; i++) {
                bulkSession.sendData(1, Unpooled.wrappedBuffer(new byte[64 * 1024]));
            }
            bulk.runPendingTasks();
            io.netty.buffer.CompositeByteBuf body = Unpooled.compositeBuffer();
            boolean ended = false;
            Object out;
            while ((out = bulk.readOutbound()) != null) {
                ended |= out instanceof LastHttpContent;
                if (out instanceof HttpContent content) {
                    body.addComponent(true, content.content().retain());
                }
                ReferenceCountUtil.release(out);
            }
            try {
                List<Frame> frames = FrameCodec.decodeBatch(body, 1 << 20);
                assertEquals(List.of(FrameType.HELLO, FrameType.DATA, FrameType.DATA, FrameType.DATA, FrameType.DATA),
                        frames.stream().map(Frame::type).toList(), "four 64 KiB frames reach the 256 KiB budget; the fifth waits");
                Frame.releaseAll(frames);
            } finally {
                body.release();
            }
            assertTrue(ended, "the stream ended at its budget");
        } finally {
            bulkSession.close(CloseCode.NORMAL, "test over");
            bulk.runPendingTasks();
            bulk.finishAndReleaseAll();
        }
    }

    @Test
    void binaryXhrStreamingSendsRawBatchesBackToBackWithoutPadding() throws Exception {
        XhrStreamingReceiver stream = new XhrStreamingReceiver(http, session, true);
        stream.start(headers -> { });
        session.attach(stream, 0);
        session.sendData(1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
        http.runPendingTasks();
        session.sendData(1, Unpooled.wrappedBuffer(new byte[] {0, (byte) 0xff, '\n'}));
        http.runPendingTasks();
        io.netty.buffer.CompositeByteBuf body = Unpooled.compositeBuffer();
        try {
            HttpResponse head = writtenBinary(body);
            assertEquals("application/octet-stream", head.headers().get("Content-Type"));
            List<Frame> frames = FrameCodec.decodeBatch(body, 1 << 20);
            assertEquals(List.of(FrameType.HELLO, FrameType.DATA, FrameType.DATA), frames.stream().map(Frame::type).toList(),
                    "the stream is frames and nothing else: no padding, no separators");
            text(frames.get(0));
            assertEquals("hello", text(frames.get(1)));
            assertEquals(3, frames.get(2).payload().readableBytes());
            assertEquals((byte) 0xff, frames.get(2).payload().getByte(frames.get(2).payload().readerIndex() + 1));
            frames.get(2).release();
        } finally {
            body.release();
        }
    }

    @Test
    void aBinaryPollIsAnsweredWithTheRawBatch() throws Exception {
        XhrPollingReceiver poll = new XhrPollingReceiver(http, session, true, headers -> { }, true);
        poll.start();
        session.attach(poll, 0);
        session.sendData(1, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        http.runPendingTasks();
        FullHttpResponse response = http.readOutbound();
        try {
            assertEquals("application/octet-stream", response.headers().get("Content-Type"));
            assertEquals(String.valueOf(response.content().readableBytes()), response.headers().get("Content-Length"));
            List<Frame> frames = FrameCodec.decodeBatch(response.content(), 1 << 20);
            assertEquals(FrameType.DATA, frames.get(0).type());
            assertEquals("x", text(frames.get(0)));
        } finally {
            response.release();
        }
    }

    @Test
    void aPollAnswerCarriesUpToAGrownWindowNotJustOneWebSocketMessage() throws Exception {
        int frames = 4;
        int payload = 60 * 1024; // four of them pass --max-message (128 KiB) but not --max-window (1 MiB)
        for (int i = 0; i < frames; i++) {
            session.sendData(1, Unpooled.wrappedBuffer(new byte[payload]));
        }
        XhrPollingReceiver poll = new XhrPollingReceiver(http, session, true, headers -> { }, true);
        poll.start();
        session.attach(poll, 0);
        http.runPendingTasks();
        FullHttpResponse response = http.readOutbound();
        try {
            List<Frame> answered = FrameCodec.decodeBatch(response.content(), 1 << 20);
            assertEquals(frames, answered.size(), "one answer, one round trip, for everything pending");
            assertEquals(frames, answered.get(frames - 1).seq());
            Frame.releaseAll(answered);
        } finally {
            response.release();
        }
    }

    @Test
    void aStreamEndsOnceItsByteBudgetIsSpentAndDetaches() {
        XhrStreamingReceiver stream = new XhrStreamingReceiver(http, session, false);
        stream.start(headers -> { });
        session.attach(stream, 0);
        session.sendData(1, Unpooled.wrappedBuffer(new byte[8192])); // over the 4 KiB budget
        http.runPendingTasks();
        Object last = null;
        Object out;
        while ((out = http.readOutbound()) != null) {
            ReferenceCountUtil.release(last);
            last = out;
        }
        assertInstanceOf(LastHttpContent.class, last, "the response is finished");
        ReferenceCountUtil.release(last);
        assertNull(session.receiver(), "the client reconnects with a new request");
    }

    @Test
    void eventSourceEventsCarryTheHighestSequenceNumberAsTheirId() throws Exception {
        EventSourceReceiver stream = new EventSourceReceiver(http, session);
        stream.start(headers -> { });
        session.attach(stream, 0);
        session.sendData(1, Unpooled.copiedBuffer("a", StandardCharsets.UTF_8));
        session.sendData(1, Unpooled.copiedBuffer("b", StandardCharsets.UTF_8));
        http.runPendingTasks();
        String events = written();
        assertTrue(events.startsWith(":"), "a comment line opens the stream");
        assertTrue(events.contains("retry: "), "the browser is told to reconnect quickly");
        Matcher id = Pattern.compile("id: (\\d+)\ndata: ([A-Za-z0-9+/=]+)\n\n").matcher(events);
        assertTrue(id.find(), events);
        assertEquals("2", id.group(1), "the event holding seq 1 and 2 is id 2 (Last-Event-ID acks it)");
        List<Frame> frames = decode(id.group(2));
        assertEquals(List.of("a", "b"), frames.stream().map(ReceiverFramingTest::text).toList());
    }

    @Test
    void htmlFilePostsToTheSessionsOriginOnlyAndNoPayloadCanCloseTheScript() throws Exception {
        HtmlFileReceiver stream = new HtmlFileReceiver(http, session);
        stream.start(headers -> { });
        session.attach(stream, 0);
        session.sendData(1, Unpooled.copiedBuffer("</script><script>alert(1)</script>\u2028", StandardCharsets.UTF_8));
        http.runPendingTasks();
        String html = written();
        assertTrue(html.contains("var o=\"https://app.test\""), "postMessage targets exactly the session's Origin");
        assertFalse(html.contains("\"*\""), "never a wildcard target");
        Matcher chunk = Pattern.compile("<script>p\\(\"([A-Za-z0-9+/=]+)\"\\)</script>").matcher(html);
        int scripts = 0;
        String lastBatch = null;
        while (chunk.find()) {
            scripts++;
            lastBatch = chunk.group(1);
        }
        assertEquals(2, scripts, "HELLO, then the data batch");
        assertEquals(1, html.split("</script>", -1).length - 1 - scripts, "only the bootstrap script and the chunks close scripts");
        assertEquals("</script><script>alert(1)</script>\u2028", text(decode(lastBatch).get(0)));
    }

    @Test
    void aPollIsAnsweredOnceWithTheBatchAndKeepsTheFramesForItsAck() throws Exception {
        XhrPollingReceiver poll = new XhrPollingReceiver(http, session, true, headers -> { }, false);
        poll.start();
        session.attach(poll, 0);
        session.sendData(1, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        http.runPendingTasks();
        FullHttpResponse response = http.readOutbound();
        try {
            List<Frame> frames = decode(response.content().toString(StandardCharsets.US_ASCII));
            assertEquals(FrameType.DATA, frames.get(0).type());
            assertEquals(1, frames.get(0).seq());
            text(frames.get(0));
        } finally {
            response.release();
        }
        assertNull(http.readOutbound(), "answered exactly once");
        XhrPollingReceiver next = new XhrPollingReceiver(http, session, true, headers -> { }, false);
        next.start();
        session.attach(next, 0); // ack 0: the client never saw seq 1
        http.runPendingTasks();
        FullHttpResponse again = http.readOutbound();
        try {
            List<Frame> frames = decode(again.content().toString(StandardCharsets.US_ASCII));
            assertEquals(1, frames.get(0).seq(), "unacknowledged frames are sent again");
            text(frames.get(0));
        } finally {
            again.release();
        }
    }

    @Test
    void anIdlePollIsAnsweredWithAHeartbeatAtItsTimeout() throws Exception {
        XhrPollingReceiver poll = new XhrPollingReceiver(http, session, true, headers -> { }, false);
        http.freezeTime(); // the hold timer moves only with advanceTimeBy: no sleeping
        poll.start();
        session.attach(poll, 0);
        http.advanceTimeBy(101, java.util.concurrent.TimeUnit.MILLISECONDS);
        http.runScheduledPendingTasks();
        FullHttpResponse response = http.readOutbound();
        try {
            List<Frame> frames = decode(response.content().toString(StandardCharsets.US_ASCII));
            assertEquals(FrameType.HEARTBEAT, frames.get(0).type());
            text(frames.get(0));
        } finally {
            response.release();
        }
    }

    @Test
    void jsonpWrapsTheBatchInTheValidatedCallbackAfterAComment() {
        assertFalse(JsonpPollingReceiver.CALLBACK.matcher("alert(1)//").matches());
        assertFalse(JsonpPollingReceiver.CALLBACK.matcher("a".repeat(33)).matches());
        assertTrue(JsonpPollingReceiver.CALLBACK.matcher("cg.cb_1").matches());
        JsonpPollingReceiver poll = new JsonpPollingReceiver(http, session, true, "cg.cb_1");
        poll.start();
        session.attach(poll, 0);
        session.sendData(1, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        http.runPendingTasks();
        FullHttpResponse response = http.readOutbound();
        try {
            String body = response.content().toString(StandardCharsets.US_ASCII);
            assertTrue(body.matches("/\\*\\*/cg\\.cb_1\\(\"[A-Za-z0-9+/=]+\"\\);"), body);
            assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
        } finally {
            response.release();
        }
    }
}
