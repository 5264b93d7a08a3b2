package io.cometgate.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the processes a run measures against (backend, bare relay, gateway) from this same
 * jar or class path, each its own JVM with its own 20,000 open files; waits until each
 * accepts connections; stops each by its PID when the run ends.
 */
final class Spawner implements AutoCloseable {

    private final List<Process> started = new ArrayList<>();
    private final List<String> jvmOptions;
    private final PrintWriter progress;
    private final Path logDir;

    Spawner(List<String> jvmOptions, PrintWriter progress) throws IOException {
        this.jvmOptions = jvmOptions;
        this.progress = progress;
        this.logDir = Files.createTempDirectory("cometgate-bench-");
    }

    Path logDir() {
        return logDir;
    }

    /** Runs {@code cometgate ARGS...} in a new JVM and waits until {@code ready} accepts connections. */
    Process start(String name, InetSocketAddress ready, List<String> extraJvm, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/java.nio=ALL-UNNAMED"); // as the jar's manifest says (see cli.Main)
        command.addAll(jvmOptions);
        command.addAll(extraJvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.cometgate.cli.Main");
        command.addAll(List.of(args));
        File log = logDir.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited with " + p.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(ready, 200);
                progress.printf("bench: started %s (pid %d) on %s; log %s%n", name, p.pid(), ready, log);
                progress.flush();
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException(name + " did not accept connections on " + ready + " within 30 s; see " + log);
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroy(); // SIGTERM to this PID only
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(40, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
