package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Opens many connections with a bounded number in flight (a SYN flood measures the accept
 * queue, not the gateway), sends each its first bytes, and counts what failed.
 */
final class Opener {

    record Opened(List<Conn> conns, int failures, String firstFailure) {
    }

    private Opener() {
    }

    static Opened open(ClientContext context, Route route, int count, Supplier<Conn.Listener> listeners,
                       byte[] firstBytes, PrintWriter progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(200);
        List<Conn> conns = new ArrayList<>(count);
        List<CompletableFuture<Void>> futures = new ArrayList<>(count);
        AtomicInteger failures = new AtomicInteger();
        String[] first = {null};
        long lastReport = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("opening " + route.name() + " stalled: no connection opened in 60 s");
            }
            Conn conn = route.connect(context, listeners.get());
            conns.add(conn);
            CompletableFuture<Void> f = conn.opened().whenComplete((ok, error) -> {
                inFlight.release();
                if (error != null) {
                    if (failures.getAndIncrement() == 0) {
                        first[0] = error.getMessage();
                    }
                } else if (firstBytes != null) {
                    conn.loop().execute(() -> conn.send(Unpooled.wrappedBuffer(firstBytes.clone())));
                }
            });
            futures.add(f);
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                progress.printf("bench:   %s: %d of %d connections started, %d failed%n", route.name(), i + 1, count, failures.get());
                progress.flush();
            }
        }
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // counted per connection above
        }
        long stuck = futures.stream().filter(f -> !f.isDone()).count();
        for (int i = 0; i < conns.size() && stuck > 0; i++) {
            if (!futures.get(i).isDone()) {
                progress.println("bench:   " + route.name() + ": still not open after 120 s: " + conns.get(i));
                first[0] = first[0] == null ? "not open after 120 s: " + conns.get(i) : first[0];
                break;
            }
        }
        return new Opened(conns, failures.get() + (int) stuck, first[0]);
    }

    static void closeAll(List<Conn> conns) {
        conns.forEach(Conn::close);
    }

    static byte[] bytes(byte mode, byte[] rest) {
        byte[] out = new byte[1 + rest.length];
        out[0] = mode;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    static ByteBuf stamp(long nanos, int size) {
        return Unpooled.buffer(size).writeLong(nanos).writeZero(size - 8);
    }
}
