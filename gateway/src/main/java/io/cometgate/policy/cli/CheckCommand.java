package io.cometgate.policy.cli;

import io.cometgate.policy.PolicyTools;
import io.cometgate.policy.Problem;
import io.cometgate.policy.Resolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code cometgate policy check FILE...}: validates policy files and prints every problem as
 * {@code file:line:col: message} (with a hint line when there is one). Exit 0 when every file
 * would load (warnings allowed), 2 when any has errors. With {@code --token-source}, also
 * decides every entry of websockify token files against each policy and reports an entry the
 * policy refuses as an error at its {@code file:line}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate policy files without starting anything. Exit 0 ok, 2 errors.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "policy files to check")
    List<Path> files;

    @Option(names = "--token-source", paramLabel = "FILE|DIR",
            description = "websockify token file or directory: every entry's target must pass the policy")
    Path tokenSource;

    @Option(names = "--origin", paramLabel = "O",
            description = "with --token-source: the Origin of the pages that use the tokens (default: none sent)")
    String origin;

    private final Supplier<Resolver> resolvers;

    CheckCommand() {
        this(null);
    }

    /** For tests: answer names from {@code resolvers} instead of DNS. */
    CheckCommand(Supplier<Resolver> resolvers) {
        this.resolvers = resolvers;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int errors = 0;
        int warnings = 0;
        for (Path file : files) {
            boolean fileHasErrors = false;
            for (Problem p : PolicyTools.check(file)) {
                (p.isError() ? err : out).println(p.render());
                if (p.isError()) {
                    errors++;
                    fileHasErrors = true;
                } else {
                    warnings++;
                }
            }
            if (tokenSource != null && !fileHasErrors) {
                List<String> refused = new TokenSourceCheck(file, origin, resolvers).refusals(tokenSource);
                refused.forEach(err::println);
                errors += refused.size();
            }
        }
        out.printf("%d file(s) checked: %d error(s), %d warning(s)%n", files.size(), errors, warnings);
        out.flush();
        err.flush();
        return errors == 0 ? PolicyCommand.OK : PolicyCommand.BAD_CONFIG;
    }
}
