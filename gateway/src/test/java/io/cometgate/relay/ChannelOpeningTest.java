package io.cometgate.relay;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decider;
import io.cometgate.policy.Decision;
import io.cometgate.policy.Limits;
import io.cometgate.policy.TargetOptions;
import io.cometgate.protocol.CloseCode;
import io.cometgate.testing.RecordingAudit;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open procedure's refusals, each with its close code, on an embedded loop without sockets. */
class ChannelOpeningTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6667);

    private final EmbeddedChannel loopHolder = new EmbeddedChannel();
    private final RecordingOwner owner = new RecordingOwner(loopHolder.eventLoop());
    private final RecordingAudit audit = new RecordingAudit();
    private final OpenLimiter limiter = new OpenLimiter();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private Limits limits = Limits.DEFAULT;
    private Promise<Decision> pending;

    private final Decider decider = new Decider() {
        @Override
        public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
            pending = loop.newPromise();
            return pending;
        }

        @Override
        public boolean isOriginAllowed(String origin) {
            return true;
        }

        @Override
        public boolean isHostAllowed(String host) {
            return true;
        }

        @Override
        public boolean isTrustedProxy(InetAddress peer) {
            return false;
        }

        @Override
        public Limits limits() {
            return limits;
        }
    };

    private final BackendRelay relay = new BackendRelay(GatewayConfig.defaults(), decider, metrics,
            new BackendConnector(NioSocketChannel.class), audit, limiter);

    @AfterEach
    void nothingLeaks() {
        loopHolder.runPendingTasks();
        assertEquals(false, loopHolder.finishAndReleaseAll());
    }

    private VirtualChannel open() {
        VirtualChannel channel = (VirtualChannel) relay.create(owner, 1, "irc");
        channel.open(null);
        loopHolder.runPendingTasks();
        return channel;
    }

    private void decide(Decision decision) {
        pending.setSuccess(decision);
        loopHolder.runPendingTasks();
    }

    private RecordingOwner.Close onlyClose() {
        assertEquals(1, owner.closes.size(), owner.closes::toString);
        assertEquals(1, owner.forgotten.size(), "the session forgets the channel");
        return owner.closes.get(0);
    }

    @Test
    void anAddressOverItsOpenRateIsRefusedWith4009BeforeThePolicyIsAsked() {
        limits = withOpensPerMinute(0);
        open();
        assertEquals(CloseCode.LIMIT_EXCEEDED, onlyClose().code());
        assertTrue(onlyClose().reason().contains("opens per minute"), onlyClose().reason());
        assertEquals(null, pending, "the policy is never asked");
    }

    @Test
    void aDeniedTargetIsClosedWith4004AndTheDecisionIsAudited() {
        VirtualChannel channel = open();
        decide(Decision.deny(Decision.Verdict.DENY, "no rule matches", null));
        assertEquals(CloseCode.POLICY_DENIED, onlyClose().code());
        assertEquals("no rule matches", onlyClose().reason());
        assertEquals(1, audit.decisions.size());
        assertEquals(channel.correlationId(), audit.decisionIds.get(0), "the decision carries the channel's correlation id");
        assertTrue(audit.closes.isEmpty(), "a channel that never opened has no close record");
    }

    @Test
    void aNameThatDoesNotResolveIsClosedWith4003() {
        open();
        decide(Decision.deny(Decision.Verdict.DNS_FAILURE, "irc.example does not resolve", null));
        assertEquals(CloseCode.DNS_FAILURE, onlyClose().code());
    }

    @Test
    void aPolicyLimitIsClosedWith4009() {
        open();
        decide(Decision.deny(Decision.Verdict.LIMIT, "limit reached", null));
        assertEquals(CloseCode.LIMIT_EXCEEDED, onlyClose().code());
    }

    @Test
    void aFailingPolicyEngineDeniesWith4004() {
        open();
        pending.setFailure(new IllegalStateException("boom"));
        loopHolder.runPendingTasks();
        assertEquals(CloseCode.POLICY_DENIED, onlyClose().code());
        assertTrue(onlyClose().reason().contains("policy engine error"), onlyClose().reason());
    }

    @Test
    void aTargetWithEveryConnectionSlotTakenIsClosedWith4009() {
        limits = withConnectionsPerTarget(1);
        assertTrue(limiter.tryConnect(TARGET, 1));
        open();
        decide(allowed());
        assertEquals(CloseCode.LIMIT_EXCEEDED, onlyClose().code());
        assertTrue(onlyClose().reason().contains("connections to"), onlyClose().reason());
        assertEquals(1, limiter.connectionsTo(TARGET), "the refused channel took no slot");
    }

    @Test
    void aDecisionArrivingAfterTheClientClosedTheChannelOpensNothingAndTakesNoSlot() {
        limits = withConnectionsPerTarget(1);
        VirtualChannel channel = open();
        channel.closeFromClient(1000);
        decide(allowed());
        assertTrue(owner.closes.isEmpty(), "the client closed it: no CLOSE goes back");
        assertTrue(owner.opened.isEmpty());
        assertEquals(0, limiter.connectionsTo(TARGET), "no slot was taken");
        assertEquals(1, audit.decisions.size(), "the decision is still audited");
    }

    @Test
    void clientDataBeforeTheDecisionIsHeldAndReleasedWhenTheOpenFails() {
        VirtualChannel channel = open();
        channel.fromClient(Unpooled.copiedBuffer(new byte[100]));
        decide(Decision.deny(Decision.Verdict.DENY, "no", null));
        assertEquals(CloseCode.POLICY_DENIED, onlyClose().code());
        // the paranoid leak detector and finishAndReleaseAll() check the held buffer was released
    }

    @Test
    void connectFailuresMapToTheirCloseCodes() {
        assertEquals(CloseCode.CONNECT_TIMEOUT, OpenFailure.connecting(new ConnectTimeoutException("slow")).code);
        assertEquals(CloseCode.CONNECT_REFUSED, OpenFailure.connecting(new ConnectException("refused")).code);
        assertEquals(CloseCode.BACKEND_TLS, OpenFailure.connecting(new SSLHandshakeException("bad cert")).code);
        assertEquals(CloseCode.BACKEND_TLS,
                OpenFailure.connecting(new IOException(new SSLHandshakeException("wrapped"))).code);
        assertEquals(CloseCode.BACKEND_ERROR, OpenFailure.connecting(new IOException("reset")).code);
    }

    private static Decision allowed() {
        return Decision.allow("test rule", "test:1", TARGET, null, TargetOptions.DEFAULT);
    }

    private static Limits withOpensPerMinute(int perMinute) {
        Limits d = Limits.DEFAULT;
        return new Limits(d.maxSessions(), d.maxSessionsPerIp(), d.maxSessionsPerOrigin(), d.maxChannelsPerSession(),
                perMinute, d.maxConnectionsPerTarget(), d.channelIdleTimeout(), Duration.ZERO);
    }

    private static Limits withConnectionsPerTarget(int max) {
        Limits d = Limits.DEFAULT;
        return new Limits(d.maxSessions(), d.maxSessionsPerIp(), d.maxSessionsPerOrigin(), d.maxChannelsPerSession(),
                d.opensPerIpPerMinute(), max, d.channelIdleTimeout(), Duration.ZERO);
    }
}
