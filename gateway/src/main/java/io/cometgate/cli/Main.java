package io.cometgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cometgate}: the one jar's entry point; each job is a subcommand. */
@Command(name = "cometgate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A gateway that gives web pages real TCP sockets over WebSocket and Comet transports.",
        subcommands = {ServeCommand.class, io.cometgate.policy.cli.PolicyCommand.class, io.cometgate.bench.BenchCommand.class,
                CertCommand.class, HealthCommand.class, SessionsCommand.class, WebsockifyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        refuseTlsRenegotiation();
        countDirectMemoryInNetty();
        System.exit(commandLine().execute(args));
    }

    /**
     * Client-initiated TLS 1.2 renegotiation costs the server a full handshake each time the
     * client asks (a CPU DoS) and no browser needs it. The JDK provider reads this switch once,
     * when its TLS classes load, so it is set before anything touches TLS; an operator's own
     * {@code -D} wins.
     */
    static void refuseTlsRenegotiation() {
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    /**
     * Without this, Netty allocates direct memory through {@code ByteBuffer.allocateDirect}, and
     * at the {@code -XX:MaxDirectMemorySize} cap the JDK makes the allocating thread, an event
     * loop, call System.gc() and sleep (up to about half a second per allocation) before it
     * gives up: a client that fills direct memory freezes every session on that loop. With
     * reflective access to DirectByteBuffer's constructor (this switch, plus
     * {@code --add-opens java.base/java.nio=ALL-UNNAMED}, which the jar's manifest carries),
     * Netty allocates without a Cleaner, counts the memory itself against
     * {@code io.netty.maxDirectMemory} (default: the JDK cap) and fails an allocation at once.
     * Netty reads the switch when its first class loads, hence here; an operator's own
     * {@code -D} wins.
     */
    static void countDirectMemoryInNetty() {
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
    }

    /** The configured command line (tests run it with their own output streams). */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, with {@code serve} settings read from {@code env} (tests pass their own). */
    static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --s5-phasing spread, not SPREAD
        cli.getSubcommands().get("serve").setDefaultValueProvider(new ServeDefaults(env));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cometgate: " + e.getMessage());
            return ExitCodes.RUNTIME;
        });
        // One line: what is wrong and where to look, so it reads well in a journal or a CI log.
        cli.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
            return ExitCodes.USAGE;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
