package io.cometgate.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy as an L4 balancer in front of the gateway, started on loopback with its own
 * config ({@code haproxy -db -f FILE}, foreground) and stopped by PID. Its connections to the
 * gateway come from {@code 127.0.0.2}, so the gateway can tell the balancer from a client that
 * connects from 127.0.0.1 directly.
 */
final class HaproxyProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    static final String SOURCE = "127.0.0.2";

    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * One TCP frontend on a free loopback port forwarding to {@code gateway}, with
     * {@code serverOptions} on the server line ({@code send-proxy}, {@code send-proxy-v2}, or none).
     */
    static HaproxyProcess start(Path dir, InetSocketAddress gateway, String serverOptions) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("haproxy-" + port + ".cfg"), String.join("\n",
                "global", "  maxconn 100",
                "defaults", "  mode tcp", "  timeout connect 5s", "  timeout client 30s", "  timeout server 30s",
                "frontend in", "  bind 127.0.0.1:" + port, "  default_backend gateway",
                "backend gateway",
                "  server gw " + gateway.getHostString() + ":" + gateway.getPort() + " source " + SOURCE + " " + serverOptions,
                ""));
        Path log = dir.resolve("haproxy-" + port + ".log");
        Process process = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaproxyProcess haproxy = new HaproxyProcess(process, log);
        haproxy.port = port;
        haproxy.awaitListening(Duration.ofSeconds(10));
        return haproxy;
    }

    private int port;

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private void awaitListening(Duration bound) throws IOException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket socket = new Socket()) {
                socket.connect(address(), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("haproxy did not listen on " + address() + ": " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM to our own PID
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
