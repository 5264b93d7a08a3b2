package io.cometgate.testing.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The one way the tests start and stop a real process (the gateway JAR, haproxy, nginx,
 * redis-server): in the foreground, with its own config and directory, its output kept in
 * memory for the test to read and wait on, stopped by its PID, never by name. {@link #close}
 * always stops it (SIGTERM, then SIGKILL), so a failed test leaves nothing behind. A missing
 * binary fails the test with the Debian package to install.
 */
public final class ExternalProcess implements AutoCloseable {

    private static final Duration TERM_GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;

    private ExternalProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code command} in {@code dir} with {@code env} added to the environment.
     * {@code name} is the Debian package that ships {@code command.get(0)}.
     */
    public static ExternalProcess start(String name, List<String> command, Path dir, Map<String, String> env)
            throws IOException {
        if (!Files.isExecutable(Path.of(command.get(0)))) {
            throw new IllegalStateException(command.get(0) + " is missing: apt-get install " + name
                    + " (.ci/run installs it)");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        ExternalProcess started = new ExternalProcess(name, builder.start());
        Thread reader = new Thread(started::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
        return started;
    }

    /** Starts {@code command} in {@code dir} and waits until {@code port} on 127.0.0.1 accepts connections. */
    public static ExternalProcess start(String name, List<String> command, Path dir, int port, Duration bound)
            throws IOException, InterruptedException {
        ExternalProcess started = start(name, command, dir, Map.of());
        started.awaitPort(port, bound);
        return started;
    }

    /** Waits until {@code port} on 127.0.0.1 accepts connections; stops the process if it never does. */
    public void awaitPort(int port, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > end) {
                close();
                throw new IllegalStateException(this + " did not start listening on " + port + ":\n" + output());
            }
            Thread.sleep(50);
        }
    }

    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago, for a server whose config needs it written down. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away: its exit code tells the rest
        } finally {
            synchronized (lines) {
                outputEnded = true;
                lines.notifyAll();
            }
        }
    }

    /** Everything the process printed so far (stdout and stderr). */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** The output lines so far, a copy. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits until {@code condition} holds for the output lines so far; false if it did not
     * within {@code bound} or the output ended (the process exited) without it.
     */
    public boolean awaitOutput(Predicate<List<String>> condition, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        synchronized (lines) {
            while (!condition.test(lines)) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0 || outputEnded) {
                    return false;
                }
                lines.wait(Math.min(left, 200));
            }
            return true;
        }
    }

    /** Waits until the output contains {@code text}; false if it did not within {@code bound}. */
    public boolean awaitOutput(String text, Duration bound) throws InterruptedException {
        return awaitOutput(all -> all.stream().anyMatch(l -> l.contains(text)), bound);
    }

    /**
     * SIGTERM by PID. Through the process handle, because {@link Process#destroy} also closes
     * our end of its output pipe, and the tests read what it logs while it shuts down.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: it dies at once, as in a crash; nothing is drained or closed. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or {@code null} if it is still running after {@code bound}. */
    public Integer awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** A line for failure messages: still running, or its exit code. */
    public String state() {
        return process.isAlive() ? "still running" : "exit " + process.exitValue();
    }

    /** SIGTERM by PID, SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
            if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
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
