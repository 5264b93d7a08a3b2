package io.cometgate.relay;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.protocol.CloseCode;
import io.cometgate.relay.clientaddr.WebIrcLine;
import io.cometgate.session.GatewayContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Opens one backend connection for an endpoint where one client connection is one backend
 * connection (the websockify-compatible endpoint), with the steps and close codes of a
 * protocol channel's open, in the same order: the per-address open rate, the policy decision
 * (audited), the per-target connection cap, what the target needs from files (TLS trust,
 * WEBIRC), the connect to the checked address (PROXY header and TLS in front), the WEBIRC line.
 * The caller owns the result until {@link #release()}: the per-target slot is held until then.
 *
 * <p>Runs on {@code loop}, the client connection's own loop, so both sides share one thread.
 * This is the narrow seam the endpoint depends on; it mirrors {@link VirtualChannel}'s open
 * and is meant to give way to the open procedure both share once that is extracted.
 */
public final class DirectOpen {

    /** What the endpoint supplies and hears. Every callback runs on the loop. */
    public interface Listener {

        /** Adds the endpoint's handlers at the end of the backend pipeline (after PROXY/TLS). */
        void initBackend(SocketChannel backend);

        /** The backend is connected (and TLS-handshaken) and its read is off: read on demand. */
        void opened(Channel backend, Decision decision);

        /** No backend: why, as a close code of docs/PROTOCOL.md and a reason for the client. */
        void refused(CloseCode code, String reason);
    }

    private final GatewayContext context;
    private final EventLoop loop;
    private final ConnectRequest request;
    private final Listener listener;
    private Decision decision;
    private Channel backend;
    private boolean holdsTargetSlot;
    private boolean released;
    /** The backend went to the listener: from then on the listener closes it, when and how it likes. */
    private boolean handedOver;

    public DirectOpen(GatewayContext context, EventLoop loop, ConnectRequest request, Listener listener) {
        this.context = context;
        this.loop = loop;
        this.request = request;
        this.listener = listener;
    }

    public void start() {
        context.metrics().opensRequested.increment();
        int perMinute = context.decider().limits().opensPerIpPerMinute();
        if (!context.limiter().tryOpen(request.clientAddress(), perMinute)) {
            context.metrics().opensDenied("limit: opens per minute");
            refuse(CloseCode.LIMIT_EXCEEDED, "limit reached: " + perMinute + " opens per minute from this address");
            return;
        }
        context.decider().decide(request, loop).addListener((Future<Decision> f) -> {
            Decision d = f.isSuccess() ? f.getNow()
                    : Decision.deny(Decision.Verdict.DENY, "policy engine error: " + f.cause(), null);
            context.audit().decision(request, d);
            onDecision(d);
        });
    }

    /** The policy's decision, once made ({@code null} before). */
    public Decision decision() {
        return decision;
    }

    private void onDecision(Decision d) {
        decision = d;
        if (released) {
            return;
        }
        if (!d.allowed()) {
            context.metrics().opensDenied(d.verdict().name().toLowerCase() + ": " + d.reason());
            refuse(switch (d.verdict()) {
                case DNS_FAILURE -> CloseCode.DNS_FAILURE;
                case LIMIT -> CloseCode.LIMIT_EXCEEDED;
                default -> CloseCode.POLICY_DENIED;
            }, d.reason());
            return;
        }
        int perTarget = context.decider().limits().maxConnectionsPerTarget();
        if (!context.limiter().tryConnect(d.address(), perTarget)) {
            context.metrics().opensDenied("limit: connections per target");
            refuse(CloseCode.LIMIT_EXCEEDED, "limit reached: " + perTarget + " connections to " + d.address());
            return;
        }
        holdsTargetSlot = true;
        context.connector().extras(d, loop).addListener((Future<BackendExtras.Loaded> f) -> {
            if (released) {
                return;
            }
            if (!f.isSuccess()) {
                refuse(d.options().tls() ? CloseCode.BACKEND_TLS : CloseCode.BACKEND_ERROR,
                        "cannot prepare the backend connection: " + f.cause().getMessage());
                return;
            }
            connect(d, f.getNow());
        });
    }

    private void connect(Decision d, BackendExtras.Loaded extras) {
        long started = System.nanoTime();
        BackendConnector connector = context.connector();
        ChannelFuture connect = connector.connect(loop, d, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connector.addTransportHandlers(ch, d, extras, new InetSocketAddress(request.clientAddress(), 0));
                listener.initBackend(ch);
            }
        });
        backend = connect.channel();
        connector.whenReady(connect).addListener((Future<Channel> f) -> {
            if (released) {
                backend.close();
            } else if (!f.isSuccess()) {
                context.metrics().connectFailures.increment();
                CloseCode code = failureCode(f.cause());
                refuse(code, code.label() + ": " + d.address() + " (" + f.cause().getMessage() + ")");
            } else {
                context.metrics().connectLatency.record(System.nanoTime() - started);
                context.metrics().channelsOpened.increment();
                sendWebIrc(extras.webirc());
                handedOver = true;
                listener.opened(backend, d);
            }
        });
    }

    /** WEBIRC must be the first line the IRC server sees, before any client byte. */
    private void sendWebIrc(WebIrcLine webirc) {
        if (webirc != null) {
            backend.writeAndFlush(Unpooled.copiedBuffer(webirc.line(request.clientAddress()), StandardCharsets.US_ASCII));
        }
    }

    private static CloseCode failureCode(Throwable cause) {
        return cause instanceof ConnectTimeoutException ? CloseCode.CONNECT_TIMEOUT
                : cause instanceof ConnectException ? CloseCode.CONNECT_REFUSED
                : cause instanceof SSLException || cause.getCause() instanceof SSLException ? CloseCode.BACKEND_TLS
                : CloseCode.BACKEND_ERROR;
    }

    private void refuse(CloseCode code, String reason) {
        release();
        listener.refused(code, reason);
    }

    /**
     * Ends the attempt or the connection: frees the target slot and closes a backend not yet
     * handed to the listener (one handed over is the listener's to close). Idempotent.
     */
    public void release() {
        released = true;
        if (backend != null && !handedOver) {
            backend.close();
        }
        if (holdsTargetSlot) {
            holdsTargetSlot = false;
            context.limiter().release(decision.address());
        }
    }
}
