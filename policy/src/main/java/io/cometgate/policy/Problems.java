package io.cometgate.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects problems for one file while it is parsed, so every error is reported at once.
 * Reported in file order (line, then column), whatever order the checks found them in: checks
 * that need the whole file (missing {@code host}, token rules without a key) run at the end.
 */
final class Problems {

    private final String file;
    private final List<Problem> list = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void error(int line, int col, String message, String hint) {
        list.add(new Problem(file, line, col, Problem.Severity.ERROR, message, hint));
    }

    void warning(int line, int col, String message, String hint) {
        list.add(new Problem(file, line, col, Problem.Severity.WARNING, message, hint));
    }

    boolean hasErrors() {
        return list.stream().anyMatch(Problem::isError);
    }

    private static final Comparator<Problem> FILE_ORDER =
            Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column);

    List<Problem> all() {
        return list.stream().sorted(FILE_ORDER).toList();
    }

    List<Problem> warnings() {
        return list.stream().filter(p -> !p.isError()).sorted(FILE_ORDER).toList();
    }

    String file() {
        return file;
    }
}
