package io.cometgate.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Keeps a server command alive until SIGTERM/SIGINT or its maximum lifetime, whichever first. */
final class Lifetime {

    private Lifetime() {
    }

    static void await(Duration max) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }
}
