package io.cometgate.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server the cluster tests need (haproxy, nginx, redis-server), started in the
 * foreground with its own config and directory, its output in a log file, and stopped by its
 * PID (never by name). Missing binaries fail the test with the package to install.
 */
final class ExternalProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code dir} and waits until {@code port} on 127.0.0.1 accepts connections. */
    static ExternalProcess start(String name, List<String> command, Path dir, int port, Duration bound)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(command.get(0)))) {
            throw new IllegalStateException(command.get(0) + " is missing: apt-get install " + name
                    + " (.ci/run installs it)");
        }
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ExternalProcess started = new ExternalProcess(name, process, log);
        long end = System.nanoTime() + bound.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > end) {
                started.close();
                throw new IllegalStateException(name + " did not start listening on " + port + ":\n" + started.output());
            }
            Thread.sleep(50);
        }
        return started;
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago, for a server whose config needs it written down. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** SIGTERM by PID, SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
