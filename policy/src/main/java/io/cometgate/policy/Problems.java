package io.cometgate.policy;

import java.util.ArrayList;
import java.util.List;

/** Collects problems for one file while it is parsed, so every error is reported at once. */
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

    List<Problem> all() {
        return List.copyOf(list);
    }

    List<Problem> warnings() {
        return list.stream().filter(p -> !p.isError()).toList();
    }

    String file() {
        return file;
    }
}
