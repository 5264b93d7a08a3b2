package io.cometgate.bench;

import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The lone ACKs due on one client event loop, with one timer for all of them. Every session's
 * ACK waits the same delay, so the order they were armed in is the order they fall due: a FIFO
 * and one timer for its head replace a scheduled task per received batch (a new task object
 * and a priority-queue insertion per S5 tick, and a loop wake-up each). Due ACKs within
 * {@link #COALESCE_NANOS} of each other go out in the same wake-up, so an ACK leaves 200 to
 * 210 ms after what it covers: what a browser's own timer coalescing gives js-client's 200 ms
 * {@code setTimeout}; the frames on the wire are the same.
 *
 * <p>Loop-confined, and bounded by the sessions on the loop (each is queued at most once).
 */
final class LoneAcks implements Runnable {

    /** A later head is not woken for separately if it falls due this soon after the one before. */
    static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What a queued session does when its ACK falls due. */
    interface Due {
        /** When it falls due (System.nanoTime()). */
        long ackDueNanos();

        void ackDue();
    }

    private final EventLoop loop;
    private final ArrayDeque<Due> queue = new ArrayDeque<>();
    private boolean timerArmed;

    LoneAcks(EventLoop loop) {
        this.loop = loop;
    }

    /** Queues one whose due time is not before any queued (the delay is the same for all); on the loop. */
    void add(Due due) {
        queue.add(due);
        if (!timerArmed) {
            arm(due.ackDueNanos());
        }
    }

    private void arm(long dueNanos) {
        timerArmed = true;
        loop.schedule(this, Math.max(0, dueNanos + COALESCE_NANOS - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        timerArmed = false;
        long now = System.nanoTime();
        Due head;
        while ((head = queue.peek()) != null && head.ackDueNanos() <= now) {
            queue.poll().ackDue();
        }
        if (head != null) {
            arm(head.ackDueNanos());
        }
    }
}
