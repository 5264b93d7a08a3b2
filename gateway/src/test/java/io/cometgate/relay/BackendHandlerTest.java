package io.cometgate.relay;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decision;
import io.cometgate.policy.TargetOptions;
import io.cometgate.protocol.CloseCode;
import io.cometgate.testing.RecordingAudit;
import io.cometgate.testing.TestDecider;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The last handler of a backend pipeline: what each pipeline event becomes for its channel.
 * The backend connection is an EmbeddedChannel; after {@link BackendHandler} sits a probe that
 * sees what the handler passes on (it should pass on only what it does not own).
 */
class BackendHandlerTest {

    private final ReadCounter reads = new ReadCounter();
    private final PassedOn passedOn = new PassedOn();
    private EmbeddedChannel backend;
    private RecordingOwner owner;

    /** Counts read() requests: the next read is asked for by the handler, never automatically. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
        }
    }

    /** Records what travels past the handler toward the pipeline's tail. */
    private static final class PassedOn extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        int reads;
        int exceptions;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads++;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions++;
        }
    }

    @BeforeEach
    void connectOpenChannel() {
        GatewayConfig config = GatewayConfig.defaults().withSizes(128 * 1024, 1024, 256 * 1024, 256 * 1024);
        BackendRelay relay = new BackendRelay(config, new TestDecider(), new GatewayMetrics(),
                new BackendConnector(NioSocketChannel.class), new RecordingAudit(), new OpenLimiter());
        backend = new EmbeddedChannel();
        backend.config().setAutoRead(false);
        owner = new RecordingOwner(backend.eventLoop());
        VirtualChannel channel = (VirtualChannel) relay.create(owner, 1, "127.0.0.1:6667");
        backend.pipeline().addLast(reads, new BackendHandler(channel), passedOn);
        channel.decided(Decision.allow("test rule", "test:1",
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 6667), null, TargetOptions.DEFAULT));
        channel.connecting(backend);
        channel.opened(null, Duration.ZERO);
    }

    @AfterEach
    void nothingLeaks() {
        backend.runPendingTasks();
        assertFalse(backend.finishAndReleaseAll(), "every buffer was consumed or released");
    }

    @Test
    void bytesTheBackendSendsBecomeDataForTheClientAndAreNotPassedOn() {
        backend.writeInbound(Unpooled.copiedBuffer(":irc.test 001 a :hi\r\n", StandardCharsets.US_ASCII));
        assertEquals(List.of(":irc.test 001 a :hi\r\n"), owner.data);
        assertEquals(0, passedOn.reads, "the handler owns the buffer: nothing reaches the tail to be released twice");
    }

    @Test
    void theEndOfAReadBatchAsksForTheNextReadWhileTheClientHasCredit() {
        int before = reads.count;
        backend.pipeline().fireChannelRead(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        assertEquals(before, reads.count, "no read is asked for in the middle of a batch");
        backend.pipeline().fireChannelReadComplete();
        assertEquals(before + 1, reads.count);
    }

    @Test
    void theBackendClosingClosesTheChannelWith4000() {
        backend.pipeline().fireChannelInactive();
        assertEquals(List.of(CloseCode.BACKEND_CLOSED), owner.closes.stream().map(RecordingOwner.Close::code).toList());
        assertEquals(List.of(1), owner.forgotten, "the session forgets the channel");
    }

    @Test
    void anyOtherUserEventIsPassedOnUntouched() {
        Object tlsDone = new Object();
        backend.pipeline().fireUserEventTriggered(tlsDone);
        assertEquals(List.of(tlsDone), passedOn.events);
        assertTrue(owner.closes.isEmpty(), "the channel stays open");
    }

    @Test
    void anIoErrorClosesTheChannelWith4008NamingTheCauseAndStopsThere() {
        backend.pipeline().fireExceptionCaught(new IOException("connection reset by peer"));
        assertEquals(CloseCode.BACKEND_ERROR, owner.closes.get(0).code());
        assertEquals("connection reset by peer", owner.closes.get(0).reason());
        assertEquals(0, passedOn.exceptions, "handled here: the tail would log it as unhandled");
        assertFalse(backend.isOpen());
    }

    @Test
    void aTlsFailureAfterOpeningClosesTheChannelWith4013() {
        backend.pipeline().fireExceptionCaught(new SSLException("bad record MAC"));
        assertEquals(CloseCode.BACKEND_TLS, owner.closes.get(0).code());
    }
}
