package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.DiscardBackend;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream windows grow while a client sends fast (docs/PROTOCOL.md, "Growing windows"), and
 * stay within --max-window and the session's --session-window-budget. The credit a client holds
 * once the backend has taken everything is the gateway's window for that channel, less at most
 * the eighth still waiting to be granted; the gateway holds at most that much for it.
 */
@Timeout(120)
class WindowGrowthIT {

    private static final int KIB = 1024;
    private static final int INITIAL = 128 * KIB;
    private static final long UPLOAD = 4L * 1024 * 1024;

    private static void upload(ClientChannel channel, long bytes) throws Exception {
        byte[] chunk = new byte[64 * KIB];
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            channel.write(chunk);
        }
    }

    /** The credit in hand once every byte reached the backend and its credit came back. */
    private static long settledCredit(ClientChannel channel, DiscardBackend backend, long total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (backend.received() < total && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(total, backend.received(), "the backend got every byte");
        Thread.sleep(500); // the last grant rides the next outbox flush
        return channel.upstreamCredit();
    }

    @Test
    void oneFastChannelGrowsPastTheInitialWindowButNotPastTheMaximum() throws Exception {
        int max = 512 * KIB;
        try (GatewayFixture gateway = new GatewayFixture(c -> c.withWindows(max, 2 * 1024 * KIB));
             DiscardBackend backend = new DiscardBackend();
             ClientSession session = CometClient.connect(gateway.uri(), TransportKind.WEBSOCKET, TestDecider.ORIGIN)) {
            gateway.decider.allowPort(backend.port());
            ClientChannel channel = session.open(backend.target());
            channel.opened().get(10, TimeUnit.SECONDS);
            upload(channel, UPLOAD);
            long window = settledCredit(channel, backend, UPLOAD);
            assertTrue(window > INITIAL, "the window never grew past the initial " + INITIAL + ": " + window);
            assertTrue(window <= max, "the window passed --max-window " + max + ": " + window);
        }
    }

    @Test
    void theSessionBudgetCapsTheSumOfItsChannelsWindows() throws Exception {
        int budget = 384 * KIB;
        try (GatewayFixture gateway = new GatewayFixture(c -> c.withWindows(1024 * KIB, budget));
             DiscardBackend backend = new DiscardBackend();
             ClientSession session = CometClient.connect(gateway.uri(), TransportKind.WEBSOCKET, TestDecider.ORIGIN)) {
            gateway.decider.allowPort(backend.port());
            List<ClientChannel> channels = List.of(session.open(backend.target()), session.open(backend.target()));
            for (ClientChannel c : channels) {
                c.opened().get(10, TimeUnit.SECONDS);
            }
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (ClientChannel c : channels) {
                Thread t = new Thread(() -> {
                    try {
                        upload(c, UPLOAD / 2);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }, "window-writer-" + c.id());
                t.start();
                writers.add(t);
            }
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertTrue(failures.isEmpty(), "a writer failed: " + failures);
            settledCredit(channels.get(0), backend, UPLOAD);
            long sum = channels.get(0).upstreamCredit() + channels.get(1).upstreamCredit();
            assertTrue(sum > 2L * INITIAL - 2L * INITIAL / 8, "the budget's room was never used: " + sum);
            assertTrue(sum <= budget, "two windows sum to " + sum + ", past the session budget " + budget);
        }
    }
}
