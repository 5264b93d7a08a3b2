package io.cometgate.cli;

/** Exit codes of every subcommand. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Something failed at run time (a port taken, an I/O error). */
    public static final int RUNTIME = 1;
    /** Bad flags or bad configuration (a policy file with errors). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
