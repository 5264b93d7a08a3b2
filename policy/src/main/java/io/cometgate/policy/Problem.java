package io.cometgate.policy;

/**
 * One error or warning found in a policy file, located as {@code file:line:col} (1-based).
 *
 * @param hint how to fix it, or {@code null}
 */
public record Problem(String file, int line, int column, Severity severity, String message, String hint) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: message} for errors, {@code file:line:col: warning: message} for warnings. */
    public String headline() {
        return file + ":" + line + ":" + column + ": " + (isError() ? "" : "warning: ") + message;
    }

    /** The headline plus an indented hint line when there is one. */
    public String render() {
        return hint == null ? headline() : headline() + System.lineSeparator() + "    hint: " + hint;
    }

    @Override
    public String toString() {
        return headline();
    }
}
