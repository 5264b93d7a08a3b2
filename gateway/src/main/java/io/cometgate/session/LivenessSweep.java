package io.cometgate.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The liveness checks of every session on one event loop, run by one periodic task. A periodic
 * task per session was one timer firing per session per second at the default heartbeat: as
 * many timer wake-ups as S5 has ticks, each a priority-queue removal and re-insertion on the
 * loop (docs/SCALING.md, "S5's cost per message"). One sweep visits them all per period, in
 * the same loop pass, and keeps no per-session scheduled task (less heap per idle session).
 *
 * <p>Loop-confined: {@link #join} and {@link #leave} run on the loop; a session created from
 * another thread joins through a task. Unbounded only as the sessions on the loop are (the
 * registry's caps bound those).
 */
final class LivenessSweep implements Runnable {

    private final EventLoop loop;
    private final long periodMillis;
    private SessionLiveness[] members = new SessionLiveness[16];
    private int size;
    /** Runs only while some session is on the loop: an idle loop is not woken for nothing. */
    private ScheduledFuture<?> task;

    LivenessSweep(EventLoop loop, long periodMillis) {
        this.loop = loop;
        this.periodMillis = periodMillis;
    }

    long periodMillis() {
        return periodMillis;
    }

    /** Adds a session's checks; from any thread. */
    void join(SessionLiveness liveness) {
        if (loop.inEventLoop()) {
            add(liveness);
        } else {
            loop.execute(() -> add(liveness));
        }
    }

    private void add(SessionLiveness liveness) {
        if (liveness.stopped() || liveness.sweepIndex >= 0) {
            return; // the session ended before its join ran
        }
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
        }
        liveness.sweepIndex = size;
        members[size++] = liveness;
        if (task == null) {
            task = loop.scheduleAtFixedRate(this, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Removes a session's checks (swapping the last one into its place); on the loop. */
    void leave(SessionLiveness liveness) {
        int at = liveness.sweepIndex;
        if (at < 0) {
            return;
        }
        SessionLiveness last = members[--size];
        members[at] = last;
        last.sweepIndex = at;
        members[size] = null;
        liveness.sweepIndex = -1;
        if (size == 0 && task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /**
     * Checks every session. Backwards, so that a session the check ends (its {@link #leave}
     * moves the last one, already checked, into its place) does not make another one skipped.
     */
    @Override
    public void run() {
        for (int i = size - 1; i >= 0; i--) {
            if (i < size) {
                members[i].run();
            }
        }
    }
}
