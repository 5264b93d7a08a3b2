package io.cometgate.bench;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DueQueueTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Fires {@code times} times, every {@code everyNanos}; notes each firing and whether it was early. */
    private static final class Ticker implements DueQueue.Item {
        final String name;
        final List<String> fired;
        final CountDownLatch done;
        final long everyNanos;
        long due;
        int left;
        boolean early;

        Ticker(String name, long due, int times, long everyNanos, List<String> fired, CountDownLatch done) {
            this.name = name;
            this.due = due;
            this.left = times;
            this.everyNanos = everyNanos;
            this.fired = fired;
            this.done = done;
        }

        @Override
        public long dueNanos() {
            return due;
        }

        @Override
        public boolean fire() {
            early |= System.nanoTime() < due;
            fired.add(name);
            done.countDown();
            due += everyNanos;
            return --left > 0;
        }
    }

    @Test
    void itemsFireInDueOrderNeverEarlyAndOnlyAsOftenAsTheyAskToBeQueuedAgain() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            DueQueue queue = new DueQueue(loop, 2 * MS);
            List<String> fired = new ArrayList<>(); // touched on the loop only
            CountDownLatch done = new CountDownLatch(5);
            List<Ticker> tickers = new ArrayList<>();
            loop.submit(() -> {
                long now = System.nanoTime();
                tickers.add(new Ticker("once", now + 10 * MS, 1, 0, fired, done));
                tickers.add(new Ticker("thrice", now + 20 * MS, 3, 20 * MS, fired, done));
                tickers.add(new Ticker("later", now + 25 * MS, 1, 0, fired, done));
                tickers.forEach(queue::add);
            }).sync();
            assertTrue(done.await(5, TimeUnit.SECONDS), "not everything fired: " + fired);
            // Give a wrongly requeued item the time to fire again.
            Thread.sleep(100);
            List<String> seen = loop.submit(() -> List.copyOf(fired)).get();
            assertEquals(List.of("once", "thrice", "later", "thrice", "thrice"), seen);
            for (Ticker t : tickers) {
                assertFalse(t.early, t.name + " fired before it was due");
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
