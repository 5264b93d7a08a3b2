package io.cometgate.bench;

import io.cometgate.flags.Converters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code cometgate bench relay}: the bare Netty TCP relay (S0's second baseline) in its own process. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Runs a minimal Netty TCP relay from --listen to --target (loopback only).",
                "Stops on SIGTERM or after --max-lifetime."})
public final class BenchRelayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = LoopbackAddress.class, description = "Default 127.0.0.1:65002.")
    InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 65002);

    @Option(names = "--target", paramLabel = "HOST:PORT", converter = LoopbackAddress.class, description = "Default 127.0.0.1:65001.")
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", 65001);

    @Option(names = "--threads", paramLabel = "N", converter = Converters.Threads.class, description = "Event-loop threads (default 1).")
    int threads = 1;

    @Option(names = "--max-lifetime", paramLabel = "SECONDS", converter = Converters.PositiveLong.class, description = "Exit after this long (default ${DEFAULT-VALUE}).")
    long maxLifetime = 3600;

    @Override
    public Integer call() throws Exception {
        Loops loops = Loops.create(threads);
        try (BareRelay relay = new BareRelay()) {
            spec.commandLine().getOut().println("bench relay listening on " + relay.start(loops, listen, target) + " -> " + target);
            spec.commandLine().getOut().flush();
            Lifetime.await(Duration.ofSeconds(maxLifetime));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("cometgate bench relay: " + e.getMessage());
            return 2;
        } finally {
            loops.shutdown();
        }
        return 0;
    }
}
