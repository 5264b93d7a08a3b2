package io.cometgate.bench;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The S5 ticks of every connection on one backend event loop that ticks at one interval, with
 * one timer for all of them. Each connection's next tick is its last one's due time plus the
 * interval, so they fall due in the order they were queued: a FIFO and one timer for its head
 * replace a periodic task per connection (a priority-queue removal and re-insertion and, with
 * ticks spread over the interval, a loop wake-up per tick). Ticks due within
 * {@link #COALESCE_NANOS} of each other are written in the same wake-up. A tick is never sent
 * early, and each is stamped when it is written, so the latency the client measures is
 * unchanged; a late pass may hold a tick back by as long as the pass was late.
 *
 * <p>Loop-confined, and bounded by the connections on the loop (each is queued at most once).
 */
final class TickQueue implements Runnable {

    static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** One connection's ticks. */
    interface Ticking {
        long dueNanos();

        /** Sends the tick due now and moves its due time on; false when it sent its last one or its connection is gone. */
        boolean tick();
    }

    private final EventExecutor loop;
    private final ArrayDeque<Ticking> queue = new ArrayDeque<>();
    private boolean timerArmed;

    TickQueue(EventExecutor loop) {
        this.loop = loop;
    }

    /** Queues a connection whose first tick is due one interval from now; on the loop. */
    void add(Ticking ticking) {
        queue.add(ticking);
        if (!timerArmed) {
            arm(ticking.dueNanos());
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
        Ticking head;
        while ((head = queue.peek()) != null && head.dueNanos() <= now) {
            queue.poll();
            if (head.tick()) {
                queue.add(head);
            }
        }
        if (head != null) {
            arm(head.dueNanos());
        }
    }
}
