package io.cometgate.policy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cometgate policy}: work with access-policy files without starting the gateway. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Check and explain access-policy files.",
        subcommands = {CheckCommand.class, ExplainCommand.class})
public final class PolicyCommand implements Callable<Integer> {

    /** Exit codes shared by the subcommands. */
    static final int OK = 0;
    static final int RUNTIME = 1;
    static final int BAD_CONFIG = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_CONFIG;
    }
}
