package io.cometgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyDeciderTest {

    private static final String V1 = Policies.HEADER + "allow 8.8.8.8:53\n";
    private static final String V2 = Policies.HEADER + "close-disallowed-on-reload\nallow 8.8.4.4:53\n";

    @TempDir
    Path dir;

    private PolicyDecider decider(Path file) throws PolicyException {
        return new PolicyDecider(file, new FakeResolver(), new AddressClassifier(Set.of()), Clock.systemUTC());
    }

    private static String reason(PolicyDecider d, String target) {
        var ch = new io.netty.channel.embedded.EmbeddedChannel();
        try {
            return d.decide(new ConnectRequest(target, "https://app.example.com", null, null), ch.eventLoop())
                    .getNow().reason();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aValidNewVersionReplacesTheOldOneAndRunsTheListeners() throws Exception {
        Path file = Files.writeString(dir.resolve("p.policy"), V1);
        try (PolicyDecider d = decider(file)) {
            AtomicInteger reloads = new AtomicInteger();
            d.addReloadListener(reloads::incrementAndGet);
            assertEquals("allowed: rule", reason(d, "8.8.8.8:53"));
            assertFalse(d.closeDisallowedOnReload());

            // Editors save by writing a temporary file and renaming it over the old one.
            Path tmp = Files.writeString(dir.resolve("p.policy.tmp"), V2);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertTrue(d.reload());

            assertEquals(1, reloads.get());
            assertEquals("denied: no rule allows this target", reason(d, "8.8.8.8:53"));
            assertEquals("allowed: rule", reason(d, "8.8.4.4:53"));
            assertTrue(d.closeDisallowedOnReload());
            InetSocketAddress old = new InetSocketAddress(InetAddress.getByAddress(new byte[] {8, 8, 8, 8}), 53);
            assertFalse(d.stillAllowed("8.8.8.8:53", "https://app.example.com", old));
        }
    }

    @Test
    void anInvalidNewVersionIsRejectedAndTheOldOneKept() throws Exception {
        Path file = Files.writeString(dir.resolve("p.policy"), V1);
        try (PolicyDecider d = decider(file)) {
            AtomicInteger reloads = new AtomicInteger();
            d.addReloadListener(reloads::incrementAndGet);
            Files.writeString(file, V1 + "allow *:1\n");
            assertFalse(d.reload());
            assertEquals(0, reloads.get());
            assertEquals("allowed: rule", reason(d, "8.8.8.8:53"));
            Files.delete(file);
            assertFalse(d.reload());
            assertEquals("allowed: rule", reason(d, "8.8.8.8:53"));
        }
    }

    @Test
    void anInvalidFileAtStartupFailsWithEveryProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("p.policy"), "cometgate-policy 1\nalow x\ndeny 1.2.3.4/8\n");
        PolicyException e = assertThrows(PolicyException.class, () -> decider(file));
        assertEquals(2, e.problems().stream().filter(Problem::isError).count());
        assertTrue(e.getMessage().contains(file + ":2:1: unknown directive 'alow'"), e.getMessage());
    }

    @Test
    void warningsAreExposedForTheStartupLog() throws Exception {
        Path file = Files.writeString(dir.resolve("p.policy"), Policies.HEADER + "alias e 127.0.0.1:7 allow-loopback\n");
        try (PolicyDecider d = decider(file)) {
            assertTrue(d.warnings().stream().anyMatch(w -> w.headline().contains("warning: allow-loopback")),
                    d.warnings().toString());
        }
    }

    @Test
    void theWatcherSeesAFileReplacedByRename() throws Exception {
        Path file = Files.writeString(dir.resolve("p.policy"), V1);
        Object before = PolicyWatcher.stamp(file);
        Path tmp = Files.writeString(dir.resolve("x.tmp"), V2);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertFalse(before.equals(PolicyWatcher.stamp(file)));
        Files.delete(file);
        assertEquals(null, PolicyWatcher.stamp(file));
    }
}
