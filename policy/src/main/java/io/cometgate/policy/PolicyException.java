package io.cometgate.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy file that cannot be used; carries every problem found, not just the first. */
public final class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    PolicyException(List<Problem> problems) {
        super(problems.stream().filter(Problem::isError).map(Problem::headline)
                .collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    /** Errors and warnings, in file order. */
    public List<Problem> problems() {
        return problems;
    }
}
