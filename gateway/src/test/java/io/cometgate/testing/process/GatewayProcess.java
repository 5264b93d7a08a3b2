package io.cometgate.testing.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway JAR as a real process ({@code java -jar cometgate.jar serve ...}), the way an
 * operator runs it: listeners on 127.0.0.1 port 0, the bound ports read from its output.
 * Started and stopped through {@link ExternalProcess}; {@link #close} always stops it.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("cometgate is listening on (https?)://([0-9.]+):(\\d+)/");
    private static final Pattern ADMIN = Pattern.compile("cometgate admin is listening on http://([0-9.]+):(\\d+)/");
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(40);

    private final ExternalProcess process;

    private GatewayProcess(ExternalProcess process) {
        this.process = process;
    }

    /**
     * Starts {@code serve} with {@code args} and waits until every {@code --listen} and
     * {@code --tls-listen} is bound. Pass listeners explicitly (127.0.0.1:0). Unless the
     * arguments say otherwise, the drain timeout is 1 s.
     */
    public static GatewayProcess start(String... args) throws IOException, InterruptedException {
        return start(Map.of(), Arrays.stream(args).filter(a -> a.equals("--listen") || a.equals("--tls-listen")).count(), args);
    }

    /** {@code serve --listen 127.0.0.1:0 --policy POLICY} and then {@code args}, as most ITs run it. */
    public static GatewayProcess withPolicy(Path policy, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--policy", policy.toString()));
        all.addAll(Arrays.asList(args));
        return start(all.toArray(String[]::new));
    }

    /**
     * As {@link #start(String...)} with extra environment variables (e.g. {@code COMETGATE_LISTEN}),
     * waiting for {@code listeners} listeners, however they were configured.
     */
    public static GatewayProcess start(Map<String, String> env, long listeners, String... args)
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
        GatewayProcess gateway = new GatewayProcess(ExternalProcess.start("java", command, null, env));
        try {
            if (!gateway.process.awaitOutput(lines -> listeners(lines, null).size() >= listeners, STARTUP_BOUND)) {
                throw new IllegalStateException("the gateway did not start (" + gateway.process.state()
                        + "); its output:\n" + gateway.output());
            }
        } catch (RuntimeException | InterruptedException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** The listeners the output announces, of {@code scheme} or (null) of both schemes. */
    private static List<InetSocketAddress> listeners(List<String> lines, String scheme) {
        List<InetSocketAddress> found = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LISTENING.matcher(line);
            if (m.find() && (scheme == null || scheme.equals(m.group(1)))) {
                found.add(new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3))));
            }
        }
        return found;
    }

    public InetSocketAddress http() {
        return listeners(process.lines(), "http").get(0);
    }

    public InetSocketAddress https() {
        return listeners(process.lines(), "https").get(0);
    }

    /** The {@code --admin-listen} address the gateway printed once it was bound. */
    public InetSocketAddress admin() throws InterruptedException {
        if (!awaitOutput("cometgate admin is listening on", STARTUP_BOUND)) {
            throw new IllegalStateException("no admin listener; output:\n" + output());
        }
        for (String line : process.lines()) {
            Matcher m = ADMIN.matcher(line);
            if (m.find()) {
                return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        throw new IllegalStateException("unreadable admin line; output:\n" + output());
    }

    /** Everything the process printed so far (stdout and stderr). */
    public String output() {
        return process.output();
    }

    /** Waits until the output contains {@code text}; false if it did not within {@code bound}. */
    public boolean awaitOutput(String text, Duration bound) throws InterruptedException {
        return process.awaitOutput(text, bound);
    }

    /** SIGTERM: the gateway drains, and the test can still read what it logs meanwhile. */
    public void terminate() {
        process.terminate();
    }

    /** SIGKILL: the node dies at once, as in a crash; nothing is drained or closed. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code, or {@code null} if it is still running after {@code bound}. */
    public Integer awaitExit(Duration bound) throws InterruptedException {
        return process.awaitExit(bound);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
