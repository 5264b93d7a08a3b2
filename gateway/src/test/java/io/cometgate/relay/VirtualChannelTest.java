package io.cometgate.relay;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.policy.TargetOptions;
import io.cometgate.protocol.CloseCode;
import io.cometgate.testing.RecordingAudit;
import io.cometgate.testing.TestDecider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady-state relay, with an EmbeddedChannel as the backend connection (BackendHandler
 * in its pipeline, as BackendInitializer puts it) and a recording session.
 */
class VirtualChannelTest {

    private static final int WINDOW = 16;

    private final RecordingAudit audit = new RecordingAudit();
    private final ReadCounter reads = new ReadCounter();
    private final OpenLimiter limiter = new OpenLimiter();
    private static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6667);
    private EmbeddedChannel backend;
    private RecordingOwner owner;
    private VirtualChannel channel;

    /** Counts read() requests: the relay reads on demand only. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
        }
    }

    @BeforeEach
    void openChannel() {
        GatewayConfig config = GatewayConfig.defaults().withSizes(128 * 1024, WINDOW, 256 * 1024, 256 * 1024);
        BackendRelay relay = new BackendRelay(config, new TestDecider(), new GatewayMetrics(),
                new BackendConnector(NioSocketChannel.class), audit, limiter);
        backend = new EmbeddedChannel();
        backend.config().setAutoRead(false);
        owner = new RecordingOwner(backend.eventLoop());
        channel = (VirtualChannel) relay.create(owner, 1, "127.0.0.1:6667");
        backend.pipeline().addLast(reads, new BackendHandler(channel));
        channel.decided(Decision.allow("test rule", "test:1", ADDRESS, null, TargetOptions.DEFAULT));
        channel.connecting(backend);
    }

    @AfterEach
    void nothingLeaks() {
        backend.runPendingTasks();
        assertFalse(backend.finishAndReleaseAll(), "every buffer was consumed or released");
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private String writtenToBackend() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = backend.readOutbound()) != null; b.release()) {
            out.append(b.toString(StandardCharsets.US_ASCII));
        }
        return out.toString();
    }

    @Test
    void clientDataSentBeforeTheBackendConnectedIsWrittenOnceItOpensAfterTheWebircLine() {
        channel.fromClient(text("NICK a\r\n"));
        assertEquals("", writtenToBackend(), "nothing reaches the backend before it is open");
        channel.opened("WEBIRC pw gw host 127.0.0.1\r\n", Duration.ZERO);
        assertEquals("WEBIRC pw gw host 127.0.0.1\r\nNICK a\r\n", writtenToBackend());
        assertEquals(1, reads.count, "the first read is asked for on open");
    }

    @Test
    void aChannelGivesItsTargetSlotBackOnceWhenItEnds() {
        assertTrue(limiter.tryConnect(ADDRESS, 10));
        channel.holdSlot();
        channel.opened(null, Duration.ZERO);
        assertEquals(1, limiter.connectionsTo(ADDRESS));
        channel.closeFromClient(1000);
        channel.abort(CloseCode.NORMAL, "ended twice");
        backend.runPendingTasks();
        assertEquals("", writtenToBackend(), "only the end of the stream went to the backend");
        assertEquals(0, limiter.connectionsTo(ADDRESS), "the slot is given back, once");
    }

    @Test
    void upstreamCreditGoesBackOnceTheBackendAcceptedAnEighthOfTheWindow() {
        channel.opened(null, Duration.ZERO);
        channel.fromClient(text("a"));
        backend.runPendingTasks();
        assertEquals(List.of(), owner.credits, "1 byte is under the threshold of WINDOW/8 = 2");
        channel.fromClient(text("b"));
        backend.runPendingTasks();
        assertEquals(List.of(2L), owner.credits);
        assertEquals("ab", writtenToBackend());
    }

    @Test
    void aClientSendingBeyondItsCreditIsClosedWith4012() {
        channel.opened(null, Duration.ZERO);
        channel.fromClient(Unpooled.wrappedBuffer(new byte[WINDOW + 1]));
        assertEquals(CloseCode.FLOW_CONTROL, owner.closes.get(0).code());
        assertEquals("", writtenToBackend());
    }

    @Test
    void backendBytesBeyondTheClientsCreditAreHeldAndTheBackendIsNotReadUntilCreditArrives() {
        channel.opened(null, Duration.ZERO);
        backend.writeInbound(text("0123456789abcdefXYZ")); // 19 bytes, window 16
        assertEquals(List.of("0123456789abcdef"), owner.data);
        int readsBefore = reads.count;
        channel.resumeReading();
        assertEquals(readsBefore, reads.count, "no read while bytes are held");
        channel.grantDownstream(2);
        assertEquals(List.of("0123456789abcdef", "XY"), owner.data);
        channel.grantDownstream(10);
        assertEquals("Z", owner.data.get(2));
        assertTrue(reads.count > readsBefore, "reading resumes once nothing is held and credit is left");
    }

    @Test
    void aBackendReadMayBringNoMoreThanTheCreditAndTheSessionsRoomBothLeave() {
        channel.opened(null, Duration.ZERO);
        assertEquals(WINDOW, channel.readAllowance(), "the initial window, the session having room to spare");
        backend.writeInbound(text("0123"));
        assertEquals(WINDOW - 4, channel.readAllowance(), "credit spent");
        owner.readRoom = 3;
        assertEquals(3, channel.readAllowance(), "the session's bound leaves less than the credit");
        owner.readRoom = 0;
        assertEquals(0, channel.readAllowance());
    }

    @Test
    void theBackendIsNotReadWhileTheSessionLags() {
        channel.opened(null, Duration.ZERO);
        owner.keepingUp = false;
        int before = reads.count;
        channel.grantDownstream(100);
        assertEquals(before, reads.count);
        owner.keepingUp = true;
        channel.resumeReading();
        assertEquals(before + 1, reads.count);
    }

    @Test
    void aBackendEofWithBytesStillHeldDrainsThemBeforeClose4000() {
        channel.opened(null, Duration.ZERO);
        backend.writeInbound(text("0123456789abcdefTAIL"));
        backend.pipeline().fireChannelInactive();
        assertTrue(owner.closes.isEmpty(), "the held tail is not lost to the EOF");
        channel.grantDownstream(100);
        assertEquals("TAIL", owner.data.get(1));
        assertEquals(CloseCode.BACKEND_CLOSED, owner.closes.get(0).code());
        assertEquals(1, audit.closes.size());
        assertEquals(20, audit.closes.get(0).bytesDown());
        assertEquals(channel.correlationId(), audit.closes.get(0).correlationId(), "the close line joins its decision line");
        assertTrue(channel.correlationId().matches("[0-9a-f]{8}-[0-9a-z]+"), channel.correlationId());
    }

    @Test
    void aClientCloseFlushesWhatItSentThenClosesTheBackendWithoutACloseFrame() {
        channel.opened(null, Duration.ZERO);
        channel.fromClient(text("QUIT\r\n"));
        channel.closeFromClient(1000);
        backend.runPendingTasks();
        assertEquals("QUIT\r\n", writtenToBackend());
        assertFalse(backend.isOpen(), "an EmbeddedChannel is no SocketChannel: it closes instead of half-closing");
        assertTrue(owner.closes.isEmpty(), "the client closed it: nothing to tell it");
        assertEquals(List.of(1), owner.forgotten);
        assertEquals(CloseCode.NORMAL, audit.closes.get(0).code());
    }

    private static final long IDLE_NANOS = Limits.DEFAULT.channelIdleTimeout().toNanos();

    @Test
    void aChannelWithNoDataForTheIdleTimeoutIsClosedWith4005() {
        channel.opened(null, Duration.ZERO);
        long opened = backend.eventLoop().ticker().nanoTime();
        channel.checkIdle(opened + IDLE_NANOS / 2);
        assertTrue(owner.closes.isEmpty(), "half the timeout is not idle yet");
        channel.checkIdle(opened + IDLE_NANOS + 1_000_000_000L);
        assertEquals(CloseCode.IDLE_TIMEOUT, owner.closes.get(0).code());
        assertEquals("no data either way for 1800 s", owner.closes.get(0).reason());
        assertFalse(backend.isOpen());
    }

    @Test
    void dataEitherWayRestartsTheIdleClock() {
        channel.opened(null, Duration.ZERO);
        long t = backend.eventLoop().ticker().nanoTime() + IDLE_NANOS / 2;
        channel.fromClient(text("PING\r\n"));
        channel.checkIdle(t);
        channel.checkIdle(t + IDLE_NANOS - 1);
        assertTrue(owner.closes.isEmpty(), "client data at half time: not idle a timeout after the open");
        assertEquals("PING\r\n", writtenToBackend());
        backend.writeInbound(text("PONG\r\n"));
        channel.checkIdle(t + IDLE_NANOS);
        channel.checkIdle(t + 2 * IDLE_NANOS - 1);
        assertTrue(owner.closes.isEmpty(), "backend data keeps it open too");
        channel.checkIdle(t + 2 * IDLE_NANOS);
        assertEquals(CloseCode.IDLE_TIMEOUT, owner.closes.get(0).code());
    }

    @Test
    void aChannelStillOpeningNeverIdlesOut() {
        channel.checkIdle(backend.eventLoop().ticker().nanoTime() + 10 * IDLE_NANOS);
        assertTrue(owner.closes.isEmpty(), "the connect timeout covers opening");
    }

    @Test
    void aBackendIoErrorIsClosedWith4008() {
        channel.opened(null, Duration.ZERO);
        backend.pipeline().fireExceptionCaught(new java.io.IOException("connection reset"));
        assertEquals(CloseCode.BACKEND_ERROR, owner.closes.get(0).code());
        assertEquals("connection reset", owner.closes.get(0).reason());
    }

    @Test
    void backendDataAfterTheChannelClosedIsReleased() {
        channel.opened(null, Duration.ZERO);
        channel.abort(CloseCode.GATEWAY_SHUTDOWN, "stopping");
        assertTrue(owner.closes.isEmpty(), "abort sends no CLOSE: SESSION_CLOSE covers it");
        channel.fromBackend(text("late"));
        assertTrue(owner.data.isEmpty());
    }
}
