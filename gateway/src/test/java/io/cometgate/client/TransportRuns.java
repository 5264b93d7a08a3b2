package io.cometgate.client;

import io.cometgate.config.TransportKind;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One long run per transport, all six at once (one thread each), each awaited by its own
 * parameterized test case: the tests report per transport but take the time of the slowest,
 * not the sum. A run is a function of its transport returning its outcome.
 */
final class TransportRuns<T> {

    /** What a run does for one transport. */
    interface Run<T> {
        T run(TransportKind kind) throws Exception;
    }

    private final Map<TransportKind, CompletableFuture<T>> outcomes = new EnumMap<>(TransportKind.class);
    private final ExecutorService threads = Executors.newFixedThreadPool(TransportKind.values().length, task -> {
        Thread thread = new Thread(task, "transport-run");
        thread.setDaemon(true);
        return thread;
    });

    TransportRuns(Run<T> run) {
        for (TransportKind kind : TransportKind.values()) {
            CompletableFuture<T> outcome = new CompletableFuture<>();
            outcomes.put(kind, outcome);
            threads.execute(() -> {
                try {
                    outcome.complete(run.run(kind));
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
        }
        threads.shutdown();
    }

    /** The run's outcome for {@code kind}; rethrows what the run threw. */
    T await(TransportKind kind, long timeoutSeconds) throws Exception {
        try {
            return outcomes.get(kind).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    void awaitAll(long timeoutSeconds) throws InterruptedException {
        threads.awaitTermination(timeoutSeconds, TimeUnit.SECONDS);
    }
}
