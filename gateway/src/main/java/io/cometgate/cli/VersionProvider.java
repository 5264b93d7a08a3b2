package io.cometgate.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build), so it can never drift from the pom. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"cometgate " + (version == null ? "(development build)" : version)
                + ", Java " + Runtime.version() + ", protocol v1"};
    }
}
