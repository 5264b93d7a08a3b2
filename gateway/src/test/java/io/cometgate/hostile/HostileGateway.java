package io.cometgate.hostile;

import io.cometgate.testing.process.GatewayProcess;
import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.EchoBackend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway jar as its own JVM (so an attack that takes it down shows as a dead process, and
 * its memory is its own), with a policy that names three backends: {@code echo} (the canary's),
 * {@code source} (streams without end) and {@code sink} (an echo server the attackers use).
 * Per-address limits are lifted (every attacker here comes from 127.0.0.1). Reads the gateway's memory from its /metrics after a {@code jcmd GC.run}, and times an
 * unrelated canary session's echo round trip.
 */
final class HostileGateway implements AutoCloseable {

    static final String HOST = "gw.test";
    static final String ORIGIN = "http://gw.test";
    private static final long MIB = 1024 * 1024;

    /** Heap in use after a full collection, and direct memory (Netty's own count plus the JDK's pool). */
    record Memory(long heapAfterGc, long direct) {
        @Override
        public String toString() {
            return "heap after GC " + heapAfterGc / MIB + " MiB, direct " + direct / MIB + " MiB";
        }
    }

    /** The canary's figures: a fresh WebSocket session opened, then echo round trips (ms). */
    record Canary(long openMillis, long medianMillis, long maxMillis) {
        @Override
        public String toString() {
            return "canary: session + channel open " + openMillis + " ms, echo round trip median " + medianMillis
                    + " ms, max " + maxMillis + " ms";
        }
    }

    private final EchoBackend echo;
    private final SourceBackend source;
    private final EchoBackend sink;
    private final GatewayProcess gateway;
    private final InetSocketAddress admin;

    /** @param jvmOptions extra JVM flags for the gateway (JDK_JAVA_OPTIONS), e.g. a direct-memory cap */
    HostileGateway(Path dir, String jvmOptions, String... serveArgs) throws Exception {
        echo = new EchoBackend();
        source = new SourceBackend();
        sink = new EchoBackend();
        Path policy = Files.writeString(dir.resolve("hostile.policy"), String.join("\n", "cometgate-policy 1",
                "host " + HOST, "origin " + ORIGIN,
                "alias echo " + echo.target() + " allow-loopback",
                "alias source 127.0.0.1:" + source.port() + " allow-loopback",
                "alias sink " + sink.target() + " allow-loopback",
                // Every attacker comes from 127.0.0.1: per-address limits would stop them early,
                // but attackers on many addresses would not meet them; the memory bounds must hold anyway.
                "limit max-sessions-per-ip 100000", "limit opens-per-ip-per-minute 100000",
                "limit max-connections-per-target 100000", ""));
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                "--policy", policy.toString()));
        args.addAll(Arrays.asList(serveArgs));
        gateway = GatewayProcess.start(Map.of("JDK_JAVA_OPTIONS", jvmOptions), 1, args.toArray(String[]::new));
        admin = gateway.admin();
    }

    InetSocketAddress http() {
        return gateway.http();
    }

    boolean alive() throws InterruptedException {
        return gateway.awaitExit(Duration.ZERO) == null;
    }

    String output() {
        return gateway.output();
    }

    /** A full collection in the gateway, then its /metrics. */
    Memory memory() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(gateway.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(20, TimeUnit.SECONDS);
        String scrape = metrics();
        return new Memory(series(scrape, "jvm_memory_used_bytes{area=\"heap\"}"),
                series(scrape, "cometgate_netty_memory_used_bytes{kind=\"direct_total\"}")
                        + series(scrape, "jvm_buffer_pool_used_bytes{pool=\"direct\"}"));
    }

    String metrics() throws IOException {
        return admin("/metrics").body();
    }

    /** A GET on the admin listener. */
    PlainHttp.Response admin(String path) throws IOException {
        return PlainHttp.get(admin, path, "127.0.0.1:" + admin.getPort());
    }

    /** One sample of a series in a scrape (0 if Netty does not count it, -1). */
    static long series(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in the scrape:\n" + scrape);
        }
        return Math.max(0, (long) Double.parseDouble(m.group(1)));
    }

    /** A fresh session: WebSocket handshake, a channel to echo, then {@code rounds} 64-byte round trips. */
    Canary canary(int rounds, Duration bound) throws IOException {
        long started = System.nanoTime();
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            client.open(1, "echo");
            client.await(f -> f.type() == WsClient.OPENED, bound);
            long open = millisSince(started);
            long[] trips = new long[rounds];
            byte[] ping = "0123456789abcdef".repeat(4).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < rounds; i++) {
                long sent = System.nanoTime();
                client.send(1, ping);
                client.readData(1, ping.length, bound);
                trips[i] = millisSince(sent);
            }
            Arrays.sort(trips);
            return new Canary(open, trips[rounds / 2], trips[rounds - 1]);
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    @Override
    public void close() throws Exception {
        gateway.close();
        echo.close();
        source.close();
        sink.close();
    }
}
