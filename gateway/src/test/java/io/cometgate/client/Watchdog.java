package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.protocol.CloseCode;

import java.util.concurrent.TimeUnit;

/**
 * Holds the current transport to the session's {@link LivenessPlan}, as js-client's watchdog
 * does: a silent partition sends no RST and no FIN, so only these deadlines reveal it.
 * <ul>
 *   <li>silence: nothing heard on the transport for the plan's dead-after time;</li>
 *   <li>answer: sequenced frames went out and the gateway's acknowledgement stopped advancing;</li>
 *   <li>probe: the downstream was quiet while the client waited for it (for credit, an ACK, a
 *       channel's OPENED, or more of what was flowing), so a HEARTBEAT went up, which the
 *       gateway answers at once on the downstream; nothing came down within the probe deadline
 *       (only with a gateway whose HELLO says {@code "probe":true});</li>
 *   <li>attempt: a new downstream did not prove itself in time (2 s, or three times what the
 *       last successful attach took; 10 s before any worked; a long poll proves itself by its
 *       answer, so only the silence deadline bounds it);</li>
 *   <li>give up: nothing heard for timeout + margin, when the gateway has surely dropped the session.</li>
 * </ul>
 * The first three replace the transport (the session reconnects and resends); the last ends the
 * session with 4007. State is guarded by the session's lock; the check runs on its own thread.
 */
final class Watchdog implements Runnable {

    static final long CHECK_EVERY_MILLIS = 100;

    private final ClientSession session;
    private final TransportKind kind;
    private final LivenessOptions options;
    private LivenessPlan plan;
    private final UplinkRate uplink = new UplinkRate();
    private final AnswerTime answerTime = new AnswerTime();
    private long lastHeard = System.nanoTime();
    private long attemptStart;
    private boolean proven;
    private boolean everAttached;
    private long lastAttachNanos;
    private long answerSince;
    /** Since when sequenced frames have been outstanding (0: none). */
    private long owedSince;
    /** When the gateway's acknowledgement last advanced. */
    private long ackedAt;
    private boolean sentSinceHeard;
    private int transportsReplaced;
    /** The gateway answers probes (HELLO {@code "probe":true}); an older one does not, so none are sent. */
    private boolean probes;
    /** When the downstream itself last carried something (a POST answer does not count here). */
    private long lastDownstream = System.nanoTime();
    /** When the probe under way was asked for; 0 if none. */
    private long probeSince;
    /** Sequenced frames came down since the last probe: a transfer that stops is worth one probe. */
    private boolean flowedSinceProbe;

    Watchdog(ClientSession session, TransportKind kind, LivenessOptions options) {
        this.session = session;
        this.kind = kind;
        this.options = options;
        this.plan = LivenessPlan.of(25_000, 30_000, kind, options);
    }

    /** HELLO told the gateway's heartbeat and session timeout. */
    void hello(long heartbeatMillis, long timeoutMillis, boolean gatewayAnswersProbes) {
        plan = LivenessPlan.of(heartbeatMillis, timeoutMillis, kind, options);
        probes = gatewayAnswersProbes;
    }

    LivenessPlan plan() {
        return plan;
    }

    /** A new downstream connection is being made. */
    void attemptStarted() {
        attemptStart = System.nanoTime();
        proven = false;
    }

    /** Sequenced frames went out: the gateway acknowledges them at once, so an answer is due. */
    void sent() {
        sentSinceHeard = true;
        long now = System.nanoTime();
        if (answerSince == 0) {
            answerSince = now;
        }
        if (owedSince == 0) {
            owedSince = now;
        }
    }

    /**
     * The gateway's acknowledgement advanced (on the downstream, in a POST answer or in HELLO):
     * the upload lives. How long it took since frames were owed (or since the last advance) is
     * a sample of this link's answer time.
     */
    void acknowledged() {
        long now = System.nanoTime();
        if (owedSince != 0 && proven) {
            answerTime.sample((now - Math.max(owedSince, ackedAt)) / 1e6);
        }
        ackedAt = now;
    }

    /** Bytes arrived on the downstream: the transport lives (and a new one has proven itself). */
    void heard() {
        long now = System.nanoTime();
        lastDownstream = now;
        probeSince = 0;
        heardAt(now);
    }

    /** Sequenced frames were delivered from the downstream. */
    void delivered() {
        flowedSinceProbe = true;
    }

    private void heardAt(long now) {
        lastHeard = now;
        sentSinceHeard = false;
        answerSince = 0;
        if (!proven && attemptStart != 0) {
            proven = true;
            everAttached = true;
            lastAttachNanos = now - attemptStart;
        }
    }

    /**
     * An upstream POST was answered. A long poll's acknowledgements come that way, so it counts
     * as hearing from the transport; a streaming downstream must prove itself alone (its ACKs
     * come down it too), or a dead stream would live on the answers to POSTs.
     */
    void heardPostAnswer() {
        if (LivenessPlan.longPolls(kind)) {
            heardAt(System.nanoTime()); // but a probe is answered by a poll, which is the downstream
        }
    }

    /**
     * How long a POST carrying {@code bytes} may go unanswered. The gateway answers a POST at
     * once, with the ACK for what it carried, so this is the answer deadline, scaled to this
     * link's answer times and uplink rate. The plan's unscaled value (the 1 ms per 32 bytes
     * floor) held a POST whose answer was blackholed 5 s for a 128 KiB batch (9 s with the default
     * 5 s base), while its frames' ACK had come down the stream and no other deadline ran: each
     * such cut stalled both directions that long (the isolated-cut chaos run's longest stalls).
     */
    long postAnswerMillis(long bytes, int maxMessage) {
        return plan.answerMillis(bytes, batchLimit(maxMessage), uplink, answerTime);
    }

    /**
     * The largest batch to send now. Until the uplink has shown its rate, a batch's deadline
     * allows the floor's 1 ms per 32 bytes, so a full {@code maxMessage} batch lost at the start
     * of a session (the isolated-cut chaos run: a blackhole 32 ms in) held both directions 5.2 s
     * before its 5.1 s deadline found it. Batches start at {@link UplinkRate#SLOW_START_BATCH_BYTES} (1 s
     * of the floor's allowance) and take {@code maxMessage} once a second with acknowledgements
     * has been sampled: the first second of a bulk upload goes in smaller POSTs, nothing waits.
     * The deadlines count the backlog as one batch of this size plus an ACK interval (the gateway
     * reads a batch whole and acknowledges every 32 KiB), so they shrink with it: a WebSocket
     * half-closed 50 ms in, with its 160 KiB counted at the floor, was kept 5.1 s.
     */
    int batchLimit(int maxMessage) {
        return uplink.batchLimit(maxMessage);
    }

    /** Whether the current downstream attempt has heard from the gateway. */
    boolean attemptProven() {
        return proven;
    }

    int transportsReplaced() {
        return transportsReplaced;
    }

    @Override
    public void run() {
        while (!session.isFinished()) {
            try {
                Thread.sleep(CHECK_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            String dead;
            String gaveUp = null;
            synchronized (session.lock()) {
                long now = System.nanoTime();
                if (now - lastHeard > millis(plan.giveUpAfterMillis())) {
                    gaveUp = "nothing heard from the gateway for " + plan.giveUpAfterMillis() + " ms";
                }
                observeUplink(now);
                dead = check(now, session.upstream());
                if (dead != null) {
                    if (proven) {
                        uplink.transportDied();
                    }
                    transportsReplaced++;
                    attemptStart = now;
                    answerSince = 0;
                    owedSince = 0;
                    probeSince = 0;
                } else {
                    probeIfWaiting(now);
                }
            }
            if (gaveUp != null) {
                session.finish(CloseCode.SESSION_EXPIRED.code(), gaveUp);
            } else if (dead != null) {
                session.transportDead(dead);
            }
        }
    }

    /** Samples the uplink's rate from what the gateway has acknowledged so far (caller holds the session's lock). */
    void observeUplink(long now) {
        uplink.observe(session.upstream().ackedBytes(), now);
    }

    /** Why the current transport is dead, or null. */
    String check(long now, UpstreamQueue upstream) {
        long silentSince = Math.max(lastHeard, attemptStart);
        if (now - silentSince > millis(plan.deadAfterMillis())) {
            return "nothing received for " + plan.deadAfterMillis() + " ms";
        }
        long probeAnswer = plan.probeAnswerMillis(upstream.unackedBytes(), batchLimit(session.maxMessage()), uplink);
        if (probeSince != 0 && now - probeSince > millis(probeAnswer)) {
            return "a probe got no answer on the downstream for " + probeAnswer + " ms";
        }
        if (!proven && attemptStart != 0 && !LivenessPlan.longPolls(kind)) {
            // A connection still being made cannot answer frames: only the attempt deadline
            // judges it (the answer deadline, now short on a fast link, cut slow handshakes).
            return now - attemptStart > millis(attemptMillis()) ? "no answer to a new connection within " + attemptMillis() + " ms" : null;
        }
        // A streaming transport's ACKs come down it even when a POST answer acknowledged the
        // frames already: what was sent must be answered on the downstream.
        if (!upstream.sentUnacknowledged()) {
            owedSince = 0;
        } else if (owedSince == 0) {
            owedSince = now;
        }
        if (!sentSinceHeard && owedSince == 0) {
            answerSince = 0;
            return null;
        }
        if (answerSince == 0) {
            answerSince = now;
        }
        long answer = plan.answerMillis(upstream.unackedBytes(), batchLimit(session.maxMessage()), uplink, answerTime);
        // Frames are outstanding: the gateway's acknowledgement must advance within the answer
        // deadline, counted from when they went out or from its last advance. Anything else heard
        // does not count: a downstream answering probes with heartbeats while the upload is
        // blackholed (its own connection, for the HTTP transports) kept such a transport for the
        // POST's own deadline. Acknowledged already (by a POST answer): the downstream must still
        // say something, from when the frames went out or from the last thing it said.
        long since = owedSince != 0 ? Math.max(Math.max(owedSince, ackedAt), attemptStart) : Math.max(answerSince, lastHeard);
        return now - since > millis(answer) ? "sent frames got no answer for " + answer + " ms" : null;
    }

    /**
     * A downstream quiet for the probe interval while the client waits for something from it is
     * probed: the gateway answers at once, so the probe deadline then tells a dead downstream
     * from one with nothing to say. Waiting for nothing (an idle session) sends no probe.
     */
    private void probeIfWaiting(long now) {
        if (!probes || probeSince != 0 || now - Math.max(lastDownstream, attemptStart) <= millis(plan.probeAfterMillis())) {
            return;
        }
        if (flowedSinceProbe || session.waitingForGateway()) {
            flowedSinceProbe = false;
            probeSince = now;
            session.requestProbe();
        }
    }

    private long attemptMillis() {
        if (!everAttached) {
            return LivenessPlan.CONNECT_TIMEOUT_MILLIS;
        }
        long lastAttach = TimeUnit.NANOSECONDS.toMillis(lastAttachNanos);
        return Math.min(LivenessPlan.CONNECT_TIMEOUT_MILLIS, Math.max(plan.reattachTimeoutMillis(), 3 * lastAttach));
    }

    private static long millis(long value) {
        return TimeUnit.MILLISECONDS.toNanos(value);
    }
}
