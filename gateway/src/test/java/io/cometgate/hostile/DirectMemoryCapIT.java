package io.cometgate.hostile;

import io.cometgate.testing.PlainHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 1, "an allocation must never block an event loop". Attackers keep the gateway's
 * direct memory at its cap (POST bodies sent up to just short of their length, over and over,
 * which the gateway must hold until they are complete). With the JDK's own direct-memory
 * accounting, every allocation at the cap makes the event loop that asked run System.gc() and
 * sleep before failing, so sessions on every loop stall; with Netty counting direct memory
 * itself, the allocation fails at once, only the connection that asked is closed, and an
 * unrelated session opens and echoes as usual.
 */
@Timeout(90)
class DirectMemoryCapIT {

    private static final long CAP = 32L * 1024 * 1024;
    private static final int ATTACKERS = 48;
    private static final int BODY = 1_000_000;
    /** An attempt may fail (its own allocation can meet the cap): it must fail fast, and another succeed. */
    private static final Duration ATTEMPT_BOUND = Duration.ofSeconds(3);
    private static final Duration CANARY_BOUND = Duration.ofSeconds(8);
    /** Rounds of /healthz, /readyz and /metrics on the admin listener while the cap is held. */
    private static final int PROBE_ROUNDS = 15;

    @TempDir
    Path dir;

    @Test
    void attackersHoldingDirectMemoryAtTheCapStallNoEventLoop() throws Exception {
        try (HostileGateway gateway = new HostileGateway(dir, "-XX:MaxDirectMemorySize=" + CAP, "--max-message", "1m")) {
            AtomicBoolean attacking = new AtomicBoolean(true);
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                Thread attacker = new Thread(() -> holdBodies(gateway.http(), attacking), "body-holder-" + i);
                attacker.setDaemon(true);
                attacker.start();
                attackers.add(attacker);
            }
            try {
                Thread.sleep(3_000); // the attackers reach the cap
                long started = System.nanoTime();
                int attempts = 0;
                HostileGateway.Canary canary = null;
                while (canary == null && System.nanoTime() - started < CANARY_BOUND.toNanos()) {
                    attempts++;
                    try {
                        canary = gateway.canary(5, ATTEMPT_BOUND);
                    } catch (IOException refused) {
                        System.out.println("DirectMemoryCapIT: canary attempt " + attempts + " failed: " + refused);
                    }
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.println("DirectMemoryCapIT: " + canary + " (" + attempts + " attempt(s), " + millis + " ms)");
                assertTrue(canary != null && millis < CANARY_BOUND.toMillis(), "while attackers held direct memory at "
                        + "its cap, an unrelated session could not open and echo within " + CANARY_BOUND.toSeconds()
                        + " s (" + attempts + " attempts); event-loop lag: " + lag(gateway.metrics()));
                operatorsStillSee(gateway);
            } finally {
                attacking.set(false);
                for (Thread attacker : attackers) {
                    attacker.join(5_000);
                }
            }
            assertTrue(gateway.alive(), "the gateway died:\n" + gateway.output());
            // Scraped once the attackers let go: at the cap the scrape's own connection can be one
            // of those closed (an empty answer), and the counter is cumulative anyway.
            String scrape = gateway.metrics();
            long exhausted = HostileGateway.series(scrape, "cometgate_direct_memory_exhausted_total");
            System.out.println("DirectMemoryCapIT: connections closed at the cap: " + exhausted);
            assertTrue(exhausted > 0, "the attackers never reached the cap, so this test proved nothing");
            assertTrue(HostileGateway.series(scrape, "cometgate_netty_direct_memory_max_bytes") == CAP, scrape);
            assertTrue(gateway.output().contains("direct memory exhausted: closed"), "no log line said why connections "
                    + "were closed:\n" + gateway.output());
        }
    }

    /**
     * At the cap is when operators need their probes and scrapes most: every one of them must be
     * answered while the attackers still hold the memory, and the scrape must already show why
     * connections are being closed.
     */
    private static void operatorsStillSee(HostileGateway gateway) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        long exhausted = 0;
        for (int round = 0; round < PROBE_ROUNDS; round++) {
            for (String path : List.of("/healthz", "/readyz", "/metrics")) {
                try {
                    PlainHttp.Response answer = gateway.admin(path);
                    if (answer.status() != 200 || answer.body().isEmpty()) {
                        failures.add(path + ": " + answer.status() + " " + answer.body());
                    } else if (path.equals("/metrics")) {
                        exhausted = HostileGateway.series(answer.body(), "cometgate_direct_memory_exhausted_total");
                    }
                } catch (IOException | AssertionError e) {
                    failures.add(path + ": " + e);
                }
            }
            Thread.sleep(100);
        }
        System.out.println("DirectMemoryCapIT: at the cap, " + (PROBE_ROUNDS * 3 - failures.size()) + " of "
                + PROBE_ROUNDS * 3 + " admin requests answered; last scrape: " + exhausted + " closed at the cap");
        assertTrue(failures.isEmpty(), "at the direct-memory cap the admin listener failed " + failures.size() + " of "
                + PROBE_ROUNDS * 3 + " probes and scrapes: " + failures + "\nthe gateway said (lines other than the "
                + "WARN for attackers):\n" + gateway.output().lines().filter(l -> !l.contains("direct memory exhausted"))
                .toList());
        assertTrue(exhausted > 0, "a scrape taken at the cap did not show cometgate_direct_memory_exhausted_total");
    }

    private static String lag(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("cometgate_event_loop_lag_seconds{")).toList().toString();
    }

    /** One attacker: a POST whose body stops just short of its length, again each time the gateway closes it. */
    private static void holdBodies(InetSocketAddress gateway, AtomicBoolean attacking) {
        byte[] head = ("POST /cometgate/send?s=x HTTP/1.1\r\nHost: " + HostileGateway.HOST + "\r\nContent-Length: " + BODY
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] piece = new byte[32 * 1024];
        for (boolean first = true; attacking.get(); first = false) {
            try {
                if (!first) {
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                return;
            }
            try (Socket socket = new Socket()) {
                socket.connect(gateway, 5_000);
                OutputStream out = socket.getOutputStream();
                out.write(head);
                for (int sent = 0; sent + piece.length < BODY && attacking.get(); sent += piece.length) {
                    out.write(piece);
                }
                while (attacking.get()) {
                    Thread.sleep(50);
                    out.write(0); // one byte at a time: the body is never complete; a closed connection fails here
                    out.flush();
                }
            } catch (IOException e) {
                // the gateway closed it: the next one, after a pause (a flood of reconnects
                // would measure the machine's CPU, not the gateway's memory handling)
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
