package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.ProtocolJson;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The client end of one protocol v1 session: numbers what it sends and keeps it until the
 * gateway acknowledges it, delivers what it receives in order exactly once, acknowledges at
 * least every 32 KiB or 200 ms, and reconnects a dropped transport, resending what was lost.
 *
 * <p>Threading: one thread runs the downstream connection, one the upstream batches; the
 * application calls in from any thread. All state is guarded by one monitor ({@link #lock}),
 * which is also what blocked readers and writers wait on.
 */
public final class ClientSession implements AutoCloseable {

    /** How a session ended. */
    public record Closed(int code, String reason) {
    }

    static final int ACK_EVERY_BYTES = 32 * 1024;
    static final long ACK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final boolean TRACE = Boolean.getBoolean("cometgate.client.trace");

    private final Object lock = new Object();
    private final HttpClient http;
    private final URI base;
    private final TransportKind transport;
    private final String origin;
    private final Link link;
    private final Watchdog watchdog;
    private final UpstreamQueue upstream = new UpstreamQueue();
    private final SessionTimeline timeline = new SessionTimeline();
    private final Map<Integer, ClientChannel> channels = new HashMap<>();
    private final CompletableFuture<Void> helloSeen = new CompletableFuture<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private String id;
    private int maxFrame = 64 * 1024;
    private int maxMessage = 128 * 1024;
    private int window = 128 * 1024;
    private long timeoutMillis = 30_000;
    private long lastReceived;
    private long lastAckSent;
    private long receivedSinceAck;
    private long firstUnackedNanos;
    private boolean ackForced;
    /** The watchdog asked for a probe: the next upstream batch carries a HEARTBEAT. */
    private boolean probeWanted;
    private int probesSent;
    private int nextChannel = 1;
    private boolean finished;

    ClientSession(HttpClient http, URI base, TransportKind transport, String origin, LivenessOptions liveness) {
        this.http = http;
        this.base = base;
        this.transport = transport;
        this.origin = origin;
        this.link = Links.create(transport, this);
        this.watchdog = new Watchdog(this, transport, liveness);
    }

    /** Creates the session on the gateway and starts the transport; fails if the gateway refuses. */
    void start(long timeoutMillis) throws IOException, InterruptedException {
        String json = link.createSession();
        if (json != null) {
            synchronized (lock) {
                try {
                    onHello(json);
                } catch (ProtocolException e) {
                    throw new IOException("gateway broke the protocol: " + e.getMessage());
                }
            }
        }
        daemon("down", this::downLoop).start();
        try {
            helloSeen.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            finish(CloseCode.PROTOCOL_ERROR.code(), "no HELLO within " + timeoutMillis + " ms");
            throw new IOException("no HELLO from " + base + " within " + timeoutMillis + " ms");
        }
        daemon("up", this::upLoop).start();
        daemon("watch", watchdog).start();
    }

    private Thread daemon(String role, Runnable body) {
        Thread thread = new Thread(body, "cometgate-client-" + transport.label() + "-" + role);
        thread.setDaemon(true);
        return thread;
    }

    // ---- the application's side ----------------------------------------------------------

    public String id() {
        synchronized (lock) {
            return id;
        }
    }

    public TransportKind transport() {
        return transport;
    }

    /** Opens a channel to an alias or {@code host:port}; data may be written before it is opened. */
    public ClientChannel open(String target) {
        return open(target, null);
    }

    /** Opens a channel presenting a signed token (see the policy docs). */
    public ClientChannel open(String target, String token) {
        synchronized (lock) {
            if (finished) {
                throw new IllegalStateException("session is closed: " + closed.getNow(null));
            }
            int channelId = nextChannel;
            nextChannel += 2;
            ClientChannel channel = new ClientChannel(this, channelId, target, window, maxFrame);
            channels.put(channelId, channel);
            String request = ProtocolJson.write(new ProtocolJson.Open(target, token));
            enqueue(FrameType.OPEN, channelId, request.getBytes(StandardCharsets.UTF_8));
            return channel;
        }
    }

    /** Test hook: aborts the current transport connection, as a network failure would. */
    public void dropTransport() {
        link.drop();
    }

    /** How many transports the liveness deadlines declared dead (a silent network shows here). */
    /** What the session's transports went through (deadlines, ends, attempts, HELLOs), with times. */
    SessionTimeline timeline() {
        return timeline;
    }

    public int transportsReplaced() {
        synchronized (lock) {
            return watchdog.transportsReplaced();
        }
    }

    /** How many probes of a quiet downstream went out (docs/PROTOCOL.md "Liveness"). */
    public int probesSent() {
        synchronized (lock) {
            return probesSent;
        }
    }

    public CompletableFuture<Closed> closed() {
        return closed;
    }

    /** Ends the session: tells the gateway (waiting a few seconds for it to hear), then stops. */
    @Override
    public void close() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            enqueue(FrameType.SESSION_CLOSE, 0, ClientFrames.code(CloseCode.NORMAL.code(), "closed by the client"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!finished && !upstream.allAcknowledged() && System.nanoTime() < deadline) {
                try {
                    lock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        finish(CloseCode.NORMAL.code(), "closed by the client");
    }

    // ---- what channels and links use ------------------------------------------------------

    Object lock() {
        return lock;
    }

    HttpClient http() {
        return http;
    }

    String origin() {
        return origin;
    }

    /** An endpoint under the gateway's prefix; {@code query} may be empty. */
    URI endpoint(String path, String query) {
        String prefix = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        return base.resolve(prefix + path + (query.isEmpty() ? "" : "?" + query));
    }

    /** {@code s=ID&ack=N}, or empty before the session exists. */
    String sessionQuery(long ack) {
        synchronized (lock) {
            return id == null ? "" : "s=" + id + "&ack=" + ack;
        }
    }

    long timeoutMillis() {
        synchronized (lock) {
            return timeoutMillis;
        }
    }

    /**
     * How long a POST carrying {@code bytes} may go unanswered before it is given up and resent:
     * the watchdog's answer deadline, scaled to this link as the ACKs' is.
     */
    long answerMillis(long bytes) {
        synchronized (lock) {
            return watchdog.postAnswerMillis(bytes, maxMessage);
        }
    }

    /** Bytes arrived from the gateway (a batch, padding, a pong, response headers). */
    void heard() {
        synchronized (lock) {
            watchdog.heard();
        }
    }

    UpstreamQueue upstream() {
        return upstream;
    }

    /** The watchdog found the transport dead: resend what is unacknowledged on the next one. */
    void transportDead(String reason) {
        trace("transport dead: " + reason);
        sendFailed();
        link.drop();
    }

    boolean isFinished() {
        synchronized (lock) {
            return finished;
        }
    }

    /** Queues a sequenced frame (caller holds the lock). */
    void enqueue(FrameType type, int channel, byte[] payload, int offset, int length) {
        upstream.add(type, channel, payload, offset, length);
        lock.notifyAll();
    }

    void enqueue(FrameType type, int channel, byte[] payload) {
        enqueue(type, channel, payload, 0, payload.length);
    }

    void forget(ClientChannel channel) {
        channels.remove(channel.id());
    }

    /**
     * Waits (the caller may hold the lock) until the link is ready and there is a batch to
     * send; {@code null} once the session is over.
     */
    byte[] awaitBatch(BooleanSupplier linkReady) throws InterruptedException {
        synchronized (lock) {
            while (!finished) {
                if (linkReady.getAsBoolean()) {
                    boolean ack = ackDue();
                    byte[] lead = lead(ack);
                    boolean sequenced = upstream.hasUnsent();
                    byte[] batch = upstream.nextBatch(lead, watchdog.batchLimit(maxMessage));
                    if (batch != null && sequenced) {
                        watchdog.sent();
                    }
                    if (batch != null) {
                        if (ack) {
                            lastAckSent = lastReceived;
                            receivedSinceAck = 0;
                            firstUnackedNanos = 0;
                            ackForced = false;
                        }
                        return batch;
                    }
                }
                lock.wait(waitMillis());
            }
            return null;
        }
    }

    /** What leads the next batch: an ACK if due, a probe if asked for; null if neither. */
    private byte[] lead(boolean ack) {
        byte[] ackFrame = ack ? ClientFrames.encode(FrameType.ACK, 0, 0, ClientFrames.count(lastReceived)) : new byte[0];
        byte[] probe = probeWanted ? ClientFrames.encode(FrameType.HEARTBEAT, 0, 0, new byte[0]) : new byte[0];
        probesSent += probeWanted ? 1 : 0;
        probeWanted = false;
        if (ackFrame.length + probe.length == 0) {
            return null;
        }
        byte[] lead = Arrays.copyOf(ackFrame, ackFrame.length + probe.length);
        System.arraycopy(probe, 0, lead, ackFrame.length, probe.length);
        return lead;
    }

    /** The largest batch the gateway takes (HELLO {@code maxMessage}; caller holds the lock). */
    int maxMessage() {
        return maxMessage;
    }

    /** The watchdog wants the downstream probed (caller holds the lock). */
    void requestProbe() {
        trace("probe");
        probeWanted = true;
        lock.notifyAll();
    }

    /**
     * Whether the client waits for the gateway (caller holds the lock): frames it sent are not
     * acknowledged, a writer waits for credit, or a channel for its OPENED.
     */
    boolean waitingForGateway() {
        if (upstream.sentUnacknowledged()) {
            return true;
        }
        for (ClientChannel channel : channels.values()) {
            if (channel.waitingForGateway()) {
                return true;
            }
        }
        return false;
    }

    private boolean ackDue() {
        if (link.acksByPoll() || lastReceived <= lastAckSent && !ackForced) {
            return false;
        }
        return ackForced || receivedSinceAck >= ACK_EVERY_BYTES || System.nanoTime() - firstUnackedNanos >= ACK_EVERY_NANOS;
    }

    private long waitMillis() {
        if (link.acksByPoll() || lastReceived <= lastAckSent) {
            return 250;
        }
        long left = ACK_EVERY_NANOS - (System.nanoTime() - firstUnackedNanos);
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
    }

    /** An upstream send failed: resend everything not acknowledged, and the ack too. */
    void sendFailed() {
        synchronized (lock) {
            upstream.rewind();
            ackForced = lastReceived > 0;
        }
    }

    // ---- frames from the gateway ----------------------------------------------------------

    /** Handles the answer to an upstream POST (an ACK): it says nothing of a streaming downstream. */
    void receivePostAnswer(byte[] batch) {
        synchronized (lock) {
            watchdog.heardPostAnswer();
            deliver(batch);
        }
    }

    /** Handles one downstream batch (a poll answer, a stream line, a WebSocket message). */
    void receiveBatch(byte[] batch) {
        synchronized (lock) {
            watchdog.heard();
            deliver(batch);
        }
    }

    private void deliver(byte[] batch) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            try {
                for (ClientFrames.InFrame frame : ClientFrames.decode(batch, maxFrame)) {
                    if (finished) {
                        break;
                    }
                    handle(frame);
                }
            } catch (ProtocolException e) {
                finishLocked(CloseCode.PROTOCOL_ERROR.code(), "gateway broke the protocol: " + e.getMessage());
            } finally {
                lock.notifyAll();
            }
        }
    }

    private void acknowledge(long ack) throws ProtocolException {
        long before = upstream.acked();
        upstream.acknowledge(ack);
        if (upstream.acked() > before) {
            watchdog.acknowledged();
        }
    }

    private void handle(ClientFrames.InFrame frame) throws ProtocolException {
        FrameType type = frame.type();
        if (type.sequenced()) {
            if (frame.seq() <= lastReceived) {
                return; // resent after a reconnect: already delivered
            }
            if (frame.seq() != lastReceived + 1) {
                throw new ProtocolException("sequence gap: expected " + (lastReceived + 1) + ", got " + frame.seq());
            }
            lastReceived = frame.seq();
            watchdog.delivered();
            receivedSinceAck += ClientFrames.HEADER_BYTES + frame.payload().length;
            if (firstUnackedNanos == 0) {
                firstUnackedNanos = System.nanoTime();
            }
        }
        switch (type) {
            case HELLO -> onHello(frame.text());
            case ACK -> acknowledge(frame.count());
            case HEARTBEAT -> { }
            case SESSION_CLOSE -> finishLocked(frame.code(), frame.reason());
            case OPENED, DATA, CLOSE, CREDIT -> {
                ClientChannel channel = channels.get(frame.channel());
                if (channel != null) {
                    channel.receive(frame);
                } else if (frame.channel() <= 0 || frame.channel() >= nextChannel || (frame.channel() & 1) == 0) {
                    throw new ProtocolException(type + " for channel " + frame.channel() + " that was never opened");
                }
            }
            default -> throw new ProtocolException(type + " frames only flow from the client");
        }
    }

    private void onHello(String json) throws ProtocolException {
        Map<String, String> hello;
        try {
            hello = ClientFrames.jsonFields(json);
        } catch (RuntimeException e) {
            throw new ProtocolException("unreadable HELLO: " + e.getMessage());
        }
        if (!"1".equals(hello.get("v"))) {
            throw new ProtocolException("HELLO for protocol version " + hello.get("v") + ", this client speaks 1");
        }
        String session = hello.get("session");
        if (id != null && !id.equals(session)) {
            throw new ProtocolException("HELLO for another session");
        }
        id = session;
        maxFrame = intOr(hello, "maxFrame", maxFrame);
        maxMessage = intOr(hello, "maxMessage", maxMessage);
        window = intOr(hello, "window", window);
        timeoutMillis = intOr(hello, "timeoutMs", (int) timeoutMillis);
        watchdog.hello(intOr(hello, "heartbeatMs", 25_000), timeoutMillis, "true".equals(hello.get("probe")));
        acknowledge(Long.parseLong(hello.getOrDefault("ack", "0")));
        if (transport == TransportKind.WEBSOCKET) {
            // A new WebSocket: whatever went out on the old one after this ack was lost.
            upstream.rewind();
        }
        timeline.add("HELLO ack=" + hello.getOrDefault("ack", "0"));
        helloSeen.complete(null);
    }

    private static int intOr(Map<String, String> json, String key, int fallback) {
        String value = json.get(key);
        return value == null ? fallback : Integer.parseInt(value);
    }

    long lastReceived() {
        synchronized (lock) {
            return lastReceived;
        }
    }

    // ---- the end ---------------------------------------------------------------------------

    /** Ends the session locally: every channel closes with this code, threads stop. */
    void finish(int code, String reason) {
        synchronized (lock) {
            finishLocked(code, reason);
        }
        link.drop();
    }

    void fail(IOException cause) {
        synchronized (lock) {
            helloSeen.completeExceptionally(cause);
        }
        int code = !(cause instanceof GatewayRefusedException refused) ? CloseCode.PROTOCOL_ERROR.code()
                : refused.status() == GatewayRefusedException.SESSION_UNKNOWN ? CloseCode.SESSION_UNKNOWN.code()
                : refused.status() == 404 ? CloseCode.SESSION_EXPIRED.code() : CloseCode.PROTOCOL_ERROR.code();
        finish(code, cause.getMessage());
    }

    private void finishLocked(int code, String reason) {
        if (finished) {
            return;
        }
        finished = true;
        for (ClientChannel channel : new ArrayList<>(channels.values())) {
            channel.closedBy(code, reason);
        }
        channels.clear();
        helloSeen.completeExceptionally(new IOException("session closed: " + code + " " + reason));
        closed.complete(new Closed(code, reason));
        lock.notifyAll();
    }

    // ---- the two transport threads -------------------------------------------------------

    private void downLoop() {
        Retry retry = new Retry();
        while (!isFinished()) {
            try {
                synchronized (lock) {
                    watchdog.attemptStarted();
                }
                timeline.add("attempt");
                link.receive(lastReceived());
                retry.succeeded();
            } catch (GatewayRefusedException e) {
                fail(e);
            } catch (IOException e) {
                trace("downstream ended: " + e);
                synchronized (lock) {
                    if (watchdog.attemptProven()) {
                        retry.succeeded(); // it worked for a while: reconnect at once
                    }
                }
                retry.failed();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void upLoop() {
        Retry retry = new Retry();
        while (!isFinished()) {
            try {
                link.send();
                retry.succeeded();
            } catch (GatewayRefusedException e) {
                fail(e);
            } catch (IOException e) {
                trace("upstream failed: " + e);
                sendFailed();
                retry.failed();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** With {@code -Dcometgate.client.trace=true}: what the transport threads and the watchdog see. */
    void trace(String event) {
        timeline.add(event);
        if (TRACE) {
            System.err.printf("%tT.%<tL %s %s: %s%n", System.currentTimeMillis(), transport.label(), id, event);
        }
    }

    /**
     * Backoff between reconnects, at most 0.5 s as in js-client. There is no give-up here: the
     * watchdog ends the session once nothing was heard for the session timeout plus the margin.
     */
    private final class Retry {
        private long backoffMillis;

        void succeeded() {
            backoffMillis = 0;
        }

        void failed() {
            if (isFinished()) {
                return;
            }
            backoffMillis = Math.min(500, Math.max(10, backoffMillis * 2));
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    List<ClientChannel> channels() {
        synchronized (lock) {
            return new ArrayList<>(channels.values());
        }
    }
}
