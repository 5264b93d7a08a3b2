package io.cometgate.testing.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real redis-server (Debian package) on a free loopback port with its own config and data
 * directory, no persistence (the gateways need none: they republish their counts). Killed by
 * PID, as a crash would; started again on the same port, empty.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private ExternalProcess process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        RedisServer redis = new RedisServer(dir, ExternalProcess.freePort());
        Files.writeString(dir.resolve("redis.conf"), String.join("\n",
                "bind 127.0.0.1", "port " + redis.port, "protected-mode yes", "save \"\"", "appendonly no",
                "dir " + dir, "daemonize no", "loglevel warning", ""));
        redis.restart();
        return redis;
    }

    /** {@code redis://127.0.0.1:PORT}, as {@code serve --redis} takes it. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL by PID: no goodbye to the clients, as a crash or a cut would look to them. */
    public void kill() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.close();
    }

    /** Starts it (again) on its port, empty; returns once it accepts connections. */
    public void restart() throws IOException, InterruptedException {
        process = ExternalProcess.start("redis-server", List.of("/usr/bin/redis-server", dir.resolve("redis.conf").toString()),
                dir, port, BOUND);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
