package io.cometgate.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cometgate bench}: a load generator that speaks protocol v1 over every transport with
 * its own lean Netty client, plus the echo backend and the bare relay its baselines need.
 * Everything it starts listens on loopback and every run is bounded.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks the gateway against direct TCP and a bare relay (scenarios S0-S7, docs/BENCHMARKS.md).",
                "Loopback only; every run stops by itself."},
        subcommands = {BenchRunCommand.class, BenchBackendCommand.class, BenchRelayCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
