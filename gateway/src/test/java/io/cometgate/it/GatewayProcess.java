package io.cometgate.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway JAR as a real process ({@code java -jar cometgate.jar serve ...}), the way an
 * operator runs it: listeners on 127.0.0.1 port 0, the bound ports read from its output.
 * {@link #close} always stops it (SIGTERM, then SIGKILL), so a failed test leaves nothing behind.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("cometgate is listening on (https?)://([0-9.]+):(\\d+)/");
    private static final Pattern ADMIN = Pattern.compile("cometgate admin is listening on http://([0-9.]+):(\\d+)/");
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(40);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<InetSocketAddress> http = new ArrayList<>();
    private final List<InetSocketAddress> https = new ArrayList<>();

    private GatewayProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code serve} with {@code args} and waits until every {@code --listen} and
     * {@code --tls-listen} is bound. Pass listeners explicitly (127.0.0.1:0). Unless the
     * arguments say otherwise, the drain timeout is 1 s.
     */
    public static GatewayProcess start(String... args) throws IOException, InterruptedException {
        return start(java.util.Map.of(), Arrays.stream(args).filter(a -> a.equals("--listen") || a.equals("--tls-listen")).count(), args);
    }

    /**
     * As {@link #start(String...)} with extra environment variables (e.g. {@code COMETGATE_LISTEN}),
     * waiting for {@code listeners} listeners, however they were configured.
     */
    public static GatewayProcess start(java.util.Map<String, String> env, long listeners, String... args)
            throws IOException, InterruptedException {
        String jar = System.getProperty("cometgate.jar", "target/cometgate.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: run 'mvn -pl gateway package' first (failsafe sets -Dcometgate.jar)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar, "serve"));
        command.addAll(Arrays.asList(args));
        if (!command.contains("--drain-timeout")) {
            command.addAll(List.of("--drain-timeout", "1s")); // so close() is quick even with channels open
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        GatewayProcess gateway = new GatewayProcess(builder.start());
        Thread reader = new Thread(gateway::readOutput, "gateway-output");
        reader.setDaemon(true);
        reader.start();
        try {
            gateway.awaitListeners(listeners);
        } catch (RuntimeException | InterruptedException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        InetSocketAddress address = new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3)));
                        (m.group(1).equals("https") ? https : http).add(address);
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away: its exit code tells the rest
        }
    }

    private void awaitListeners(long expected) throws InterruptedException {
        long end = System.nanoTime() + STARTUP_BOUND.toNanos();
        synchronized (lines) {
            while (http.size() + https.size() < expected) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (!process.isAlive() || left <= 0) {
                    throw new IllegalStateException("the gateway did not start (" + (process.isAlive() ? "still running"
                            : "exit " + process.exitValue()) + "); its output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    public InetSocketAddress http() {
        synchronized (lines) {
            return http.get(0);
        }
    }

    public InetSocketAddress https() {
        synchronized (lines) {
            return https.get(0);
        }
    }

    /** The {@code --admin-listen} address the gateway printed once it was bound. */
    public InetSocketAddress admin() throws InterruptedException {
        if (!awaitOutput("cometgate admin is listening on", STARTUP_BOUND)) {
            throw new IllegalStateException("no admin listener; output:\n" + output());
        }
        synchronized (lines) {
            for (String line : lines) {
                Matcher m = ADMIN.matcher(line);
                if (m.find()) {
                    return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
                }
            }
        }
        throw new IllegalStateException("unreadable admin line; output:\n" + output());
    }

    /** Everything the process printed so far (stdout and stderr). */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Waits until the output contains {@code text}; false if it did not within {@code bound}. */
    public boolean awaitOutput(String text, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.contains(text))) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lines.wait(Math.min(left, 200));
            }
            return true;
        }
    }

    /**
     * SIGTERM: the gateway drains. Through the process handle, because {@link Process#destroy}
     * also closes our end of its output pipe, and the tests read what it logs while draining.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: the node dies at once, as in a crash; nothing is drained or closed. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code, or {@code null} if it is still running after {@code bound}. */
    public Integer awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
