package io.cometgate.testing.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's HAProxy as an L4 balancer in front of the gateway, started on loopback with its own
 * config ({@code haproxy -db -f FILE}, foreground) through {@link ExternalProcess}. Its
 * connections to the gateway come from {@code 127.0.0.2}, so the gateway can tell the balancer
 * from a client that connects from 127.0.0.1 directly.
 */
public final class HaproxyProcess implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/haproxy");
    public static final String SOURCE = "127.0.0.2";

    private final ExternalProcess process;
    private final int port;

    private HaproxyProcess(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * One TCP frontend on a free loopback port forwarding to {@code gateway}, with
     * {@code serverOptions} on the server line ({@code send-proxy}, {@code send-proxy-v2}, or none).
     */
    public static HaproxyProcess start(Path dir, InetSocketAddress gateway, String serverOptions)
            throws IOException, InterruptedException {
        int port = ExternalProcess.freePort();
        Path config = Files.writeString(dir.resolve("haproxy-" + port + ".cfg"), String.join("\n",
                "global", "  maxconn 100",
                "defaults", "  mode tcp", "  timeout connect 5s", "  timeout client 30s", "  timeout server 30s",
                "frontend in", "  bind 127.0.0.1:" + port, "  default_backend gateway",
                "backend gateway",
                "  server gw " + gateway.getHostString() + ":" + gateway.getPort() + " source " + SOURCE + " " + serverOptions,
                ""));
        return new HaproxyProcess(start(dir, config, port), port);
    }

    /** HAProxy with the config file {@code config}, waiting until it accepts on {@code port}. */
    public static ExternalProcess start(Path dir, Path config, int port) throws IOException, InterruptedException {
        return ExternalProcess.start("haproxy", List.of(BINARY.toString(), "-db", "-f", config.toString()), dir, port,
                Duration.ofSeconds(30));
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
