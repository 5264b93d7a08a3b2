package io.cometgate.session;

import io.cometgate.protocol.CloseCode;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.util.concurrent.TimeUnit;

/**
 * A session's two clocks: the periodic check that beats idle receivers and lets idle channels
 * time out (run for every session of the loop by its {@link LivenessSweep}), and the expiry that ends a session left with no transport attached (re-armed on
 * every detach, as vertx-web's SockJS session does). Runs on the session's loop like the session.
 *
 * <p>This object is itself what the sweep runs: a lambda instead would be one more object every
 * session keeps, and the heap of an idle session is a measured target (docs/BENCHMARKS.md, S1).
 * It cannot be the expiry task as well by also being a {@link java.util.concurrent.Callable}:
 * Netty's scheduled tasks call a task that is both as a Callable, periodic ones too.
 */
final class SessionLiveness implements Runnable {

    /**
     * Added to the session timeout once a transport has been attached: the client gives up only
     * after {@code timeoutMs} + its {@code PARTITION_MARGIN_MS} (5 s) of silence (docs/PROTOCOL.md,
     * "Liveness"), and its last reattach after a partition may arrive that late. Without it a poll
     * answered just before a partition started the clock as the client's own deadline did, and the
     * two raced with no margin. A session never attached keeps the bare timeout.
     */
    static final long RESUME_MARGIN_MILLIS = 5_000;

    private final Session session;
    private final LivenessSweep sweep;
    /** Where {@link LivenessSweep} keeps this one, or -1 while it is not there. */
    int sweepIndex = -1;
    private ScheduledFuture<?> expiry;
    private boolean everAttached;
    private boolean stopped;

    /** Starts the periodic check (in the loop's sweep) and the expiry of a session with no transport yet. */
    SessionLiveness(Session session, LivenessSweep sweep) {
        this.session = session;
        this.sweep = sweep;
        sweep.join(this);
        armExpiry();
    }

    /**
     * Idle receivers are looked for every tenth of a heartbeat (at most every second) and beaten
     * once idle for their interval less one check, so an idle stream or WebSocket hears something
     * at least every heartbeat (docs/PROTOCOL.md, "Liveness", promises 1.1), and htmlfile at
     * least every {@code HtmlFileReceiver} interval. Checking once a heartbeat let a stream go
     * silent for up to 1.9 heartbeats, past the client's silence deadline.
     */
    static long heartbeatCheckMillis(long heartbeatMillis) {
        return Math.max(1, Math.min(heartbeatMillis / 10, 1_000));
    }

    /** A transport attached: the expiry stops. Returns whether one had been attached before (a resume). */
    boolean attached() {
        cancelExpiry();
        boolean resumed = everAttached;
        everAttached = true;
        return resumed;
    }

    /** The last transport went away: the session expires unless another attaches in time. */
    void detached() {
        armExpiry();
    }

    /** The session ended: neither clock fires again. */
    void stop() {
        stopped = true;
        sweep.leave(this);
        cancelExpiry();
    }

    boolean stopped() {
        return stopped;
    }

    /** The periodic check. */
    @Override
    public void run() {
        try {
            check();
        } catch (OutOfDirectMemoryError exhausted) { // thrown out of here, it would cancel this periodic task
            session.allocationFailed(exhausted);
        }
    }

    private void check() {
        Receiver receiver = session.receiver();
        long idleNanos = Long.MAX_VALUE;
        if (receiver != null) { // the receiver says whether, and how often, it wants idle heartbeats
            long configured = heartbeatMillis();
            long idle = Math.max(0, receiver.heartbeatMillis(configured) - heartbeatCheckMillis(configured));
            idleNanos = TimeUnit.MILLISECONDS.toNanos(idle);
        }
        session.checkIdle(idleNanos);
    }

    private void expire() {
        if (session.receiver() == null) {
            session.close(CloseCode.SESSION_EXPIRED, "no transport attached for " + expiryMillis() / 1000 + " s");
        }
    }

    private void armExpiry() {
        cancelExpiry();
        expiry = session.loop().schedule(this::expire, expiryMillis(), TimeUnit.MILLISECONDS);
    }

    /** Unchanged between arming and firing: only {@link #attached()} changes it, and it cancels the expiry. */
    private long expiryMillis() {
        return session.context().config().sessionTimeout().toMillis() + (everAttached ? RESUME_MARGIN_MILLIS : 0);
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private long heartbeatMillis() {
        return session.context().config().heartbeat().toMillis();
    }
}
