package io.cometgate.policy.cli;

import io.cometgate.policy.PolicyTools;
import io.cometgate.policy.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cometgate policy check FILE...}: validates policy files and prints every problem as
 * {@code file:line:col: message} (with a hint line when there is one). Exit 0 when every file
 * would load (warnings allowed), 2 when any has errors.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate policy files without starting anything. Exit 0 ok, 2 errors.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "policy files to check")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int errors = 0;
        int warnings = 0;
        for (Path file : files) {
            for (Problem p : PolicyTools.check(file)) {
                (p.isError() ? err : out).println(p.render());
                if (p.isError()) {
                    errors++;
                } else {
                    warnings++;
                }
            }
        }
        out.printf("%d file(s) checked: %d error(s), %d warning(s)%n", files.size(), errors, warnings);
        out.flush();
        err.flush();
        return errors == 0 ? PolicyCommand.OK : PolicyCommand.BAD_CONFIG;
    }
}
