package io.cometgate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy file (policy/README.md) for a gateway the test runs as a process: the header, the
 * Host and Origin the test's clients send, then the test's own rules, one a line.
 */
public final class PolicyFile {

    private PolicyFile() {
    }

    /** Writes {@code file} and returns it. */
    public static Path write(Path file, String host, String origin, String... rules) throws IOException {
        List<String> lines = new ArrayList<>(List.of("cometgate-policy 1", "host " + host, "origin " + origin));
        lines.addAll(List.of(rules));
        lines.add("");
        return Files.writeString(file, String.join("\n", lines));
    }
}
