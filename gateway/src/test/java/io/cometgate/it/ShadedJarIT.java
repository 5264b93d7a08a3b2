package io.cometgate.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the production jar carries: the policy module and its bundled policy, never test-only code. */
class ShadedJarIT {

    private static JarFile jar() throws Exception {
        Path path = Path.of(System.getProperty("cometgate.jar", "target/cometgate.jar"));
        assertTrue(Files.isRegularFile(path), "build the jar first: " + path);
        return new JarFile(path.toFile());
    }

    @Test
    void theJarContainsThePolicyModule() throws Exception {
        try (JarFile jar = jar()) {
            assertNotNull(jar.getEntry("io/cometgate/policy/PolicyEngine.class"));
            assertNotNull(jar.getEntry("io/cometgate/policy/HostPort.class"));
            assertNotNull(jar.getEntry("io/cometgate/policy/cli/PolicyCommand.class"));
        }
    }

    @Test
    void theJavaProtocolClientUsedByTestsIsNotInTheJar() throws Exception {
        try (JarFile jar = jar()) {
            List<String> client = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("io/cometgate/client/")).toList();
            assertEquals(List.of(), client);
        }
    }
}
