package io.cometgate.bench;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Work items on one event loop that fall due in the order they are queued, with one timer for
 * all of them: a FIFO and a timer for its head replace a scheduled task per item (a task object,
 * a priority-queue insertion and, with items spread over time, a loop wake-up each). The bench
 * client's lone ACKs (every session waits the same delay) and the bench backend's S5 ticks
 * (every connection of one interval moves its due time on by that interval) both fall due in
 * queue order, and both use it.
 *
 * <p>Items due within the coalescing time of each other run in the same wake-up; none runs
 * before it is due. Loop-confined, and bounded by what its users queue (each item at most once).
 */
final class DueQueue implements Runnable {

    /** One queued item. */
    interface Item {
        /** When it falls due (System.nanoTime()); never before any item queued ahead of it. */
        long dueNanos();

        /** Does what fell due; true to queue it again (its due time moved on), false to drop it. */
        boolean fire();
    }

    private final EventExecutor loop;
    private final long coalesceNanos;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private boolean timerArmed;

    /**
     * @param coalesceNanos a later head is not woken for separately if it falls due this soon
     *                      after the one before
     */
    DueQueue(EventExecutor loop, long coalesceNanos) {
        this.loop = loop;
        this.coalesceNanos = coalesceNanos;
    }

    /** Queues an item due no earlier than any queued; on the loop. */
    void add(Item item) {
        queue.add(item);
        if (!timerArmed) {
            arm(item.dueNanos());
        }
    }

    private void arm(long dueNanos) {
        timerArmed = true;
        loop.schedule(this, Math.max(0, dueNanos + coalesceNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        timerArmed = false;
        long now = System.nanoTime();
        Item head;
        while ((head = queue.peek()) != null && head.dueNanos() <= now) {
            queue.poll();
            if (head.fire()) {
                queue.add(head);
            }
        }
        if (head != null) {
            arm(head.dueNanos());
        }
    }
}
