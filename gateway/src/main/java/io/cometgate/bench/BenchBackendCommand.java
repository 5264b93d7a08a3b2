package io.cometgate.bench;

import io.cometgate.flags.Converters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cometgate bench backend}: the echo / source / tick backend in its own process. */
@Command(name = "backend", mixinStandardHelpOptions = true,
        description = {"Runs the bench backend (first byte E = echo, S = source 64 KiB writes, T = ticks) on loopback.",
                "Stops on SIGTERM or after --max-lifetime."})
public final class BenchBackendCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = LoopbackAddress.class,
            description = "Loopback address to listen on (repeatable; default 127.0.0.1:65001).")
    List<InetSocketAddress> listen;

    @Option(names = "--threads", paramLabel = "N", converter = Converters.Threads.class, description = "Event-loop threads (default 1).")
    int threads = 1;

    @Option(names = "--max-lifetime", paramLabel = "SECONDS", converter = Converters.PositiveLong.class, description = "Exit after this long (default ${DEFAULT-VALUE}).")
    long maxLifetime = 3600;

    @Override
    public Integer call() throws Exception {
        List<InetSocketAddress> addresses = listen == null ? List.of(new InetSocketAddress("127.0.0.1", 65001)) : listen;
        Loops loops = Loops.create(threads);
        try (BenchBackend backend = new BenchBackend()) {
            for (InetSocketAddress bound : backend.start(loops, addresses)) {
                spec.commandLine().getOut().println("bench backend listening on " + bound);
            }
            spec.commandLine().getOut().flush();
            Lifetime.await(Duration.ofSeconds(maxLifetime));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("cometgate bench backend: " + e.getMessage());
            return 2;
        } finally {
            loops.shutdown();
        }
        return 0;
    }
}
