package io.cometgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cometgate}: the one jar's entry point; each job is a subcommand. */
@Command(name = "cometgate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A gateway that gives web pages real TCP sockets over WebSocket and Comet transports.",
        subcommands = {ServeCommand.class, io.cometgate.policy.cli.PolicyCommand.class, io.cometgate.bench.BenchCommand.class,
                CertCommand.class, WebsockifyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it with their own output streams). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cometgate: " + e.getMessage());
            return ExitCodes.RUNTIME;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("cometgate: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
