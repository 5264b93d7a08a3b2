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
 * {@code cometgate policy check [--strict] FILE...}: validates policy files and prints every
 * problem as {@code file:line:col: message} (with a hint line when there is one), in file order.
 * Exit 0 when every file would load (warnings allowed), 2 when any has errors; with
 * {@code --strict}, for CI, warnings fail too (a file without a {@code host} line loads but
 * refuses every request).
 * With {@code --token-source}, also decides every entry of websockify token files against
 * each policy and reports an entry the policy refuses as an error at its {@code file:line}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate policy files without starting anything. Exit 0 ok, 2 errors (or, with --strict, warnings).")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--strict", description = "treat warnings as errors (exit 2), for CI")
    boolean strict;

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
        boolean failed = errors > 0 || (strict && warnings > 0);
        out.printf("%d file(s) checked: %d error(s), %d warning(s)%s%n", files.size(), errors, warnings,
                strict && warnings > 0 ? " (--strict: warnings fail)" : "");
        out.flush();
        err.flush();
        return failed ? PolicyCommand.BAD_CONFIG : PolicyCommand.OK;
    }
}
