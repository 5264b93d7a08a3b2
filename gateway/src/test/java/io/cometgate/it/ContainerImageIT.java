package io.cometgate.it;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image {@code -Pcontainer} builds (target/cometgate-image.tar): its configuration (non-root,
 * settings as COMETGATE_* variables, /etc/cometgate a volume), then the real thing under podman:
 * the mounted policy is served, data is relayed through the container, the health command
 * answers, the process runs as uid 65532, and {@code podman stop} (SIGTERM) drains: the open
 * channel's session gets 4010 and the container exits 0.
 */
class ContainerImageIT {

    private static final Duration BOUND = Duration.ofSeconds(20);
    /** A JVM starting in a container on a busy two-core CI machine. */
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(90);
    /**
     * This machine runs podman inside a container: cgroups v1 in hybrid mode (crun refuses it,
     * runc with cgroupfs works) and no CAP_SYS_RESOURCE (podman's default ulimits cannot be set,
     * lower ones can). Harmless elsewhere.
     */
    private static final List<String> PODMAN = List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs");
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096");

    @TempDir
    Path dir;

    @Test
    void theImageRunsAsNonRootWithItsSettingsFromTheEnvironment() throws Exception {
        Map<String, Object> config = imageConfig(Path.of(System.getProperty("cometgate.image", "target/cometgate-image.tar")));
        assertEquals("65532:65532", config.get("User"));
        List<?> env = (List<?>) config.get("Env");
        assertTrue(env.contains("COMETGATE_POLICY=/etc/cometgate/gateway.policy"), env::toString);
        assertTrue(env.contains("COMETGATE_LISTEN=0.0.0.0:8080"), env::toString);
        assertTrue(((Map<?, ?>) config.get("Volumes")).containsKey("/etc/cometgate"), config::toString);
        assertTrue(((Map<?, ?>) config.get("ExposedPorts")).containsKey("8080/tcp"), config::toString);
        assertEquals(List.of("serve"), config.get("Cmd"));
        List<?> entrypoint = (List<?>) config.get("Entrypoint");
        assertEquals("java", entrypoint.get(0));
        assertEquals("io.cometgate.cli.Main", entrypoint.get(entrypoint.size() - 1));
        assertTrue(entrypoint.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), "without it Netty counts no direct "
                + "memory and an allocation at the cap stalls an event loop: " + entrypoint);
    }

    @Test
    void underPodmanItServesTheMountedPolicyRelaysAndDrainsOnSigterm() throws Exception {
        Path image = Path.of(System.getProperty("cometgate.image", "target/cometgate-image.tar"));
        String loaded = podman("load", "-q", "-i", image.toString()).strip();
        String tag = loaded.substring(loaded.lastIndexOf(' ') + 1);
        int port = freePort();
        String host = "127.0.0.1:" + port;
        try (EchoBackend echo = new EchoBackend()) {
            Path etc = Files.createDirectory(dir.resolve("etc"));
            Files.writeString(etc.resolve("gateway.policy"), String.join("\n", "cometgate-policy 1", "host " + host,
                    "origin http://" + host, "alias echo " + echo.target() + " allow-loopback", ""));
            // The container's user (65532) reads the mounted files as "other".
            Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> run = new ArrayList<>(List.of("run", "-d", "--network=host"));
            run.addAll(LIMITS);
            run.addAll(List.of("-v", etc + ":/etc/cometgate:ro", "-e", "COMETGATE_LISTEN=" + host,
                    "-e", "COMETGATE_DRAIN_TIMEOUT=2s", tag));
            String id = podman(run.toArray(String[]::new)).strip();
            try {
                awaitListening(id);
                String pid = podman("inspect", "--format", "{{.State.Pid}}", id).strip();
                String status = Files.readString(Path.of("/proc", pid, "status"));
                assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+65532\\s+65532.*")), status);
                String health = podman("exec", id, "java", "-cp", "@/app/jib-classpath-file", "io.cometgate.cli.Main",
                        "health", "http://" + host + "/healthz");
                assertTrue(health.startsWith("200"), health);

                try (WsClient client = WsClient.connect(new InetSocketAddress("127.0.0.1", port), host, "http://" + host)) {
                    client.open(1, "echo");
                    assertEquals(WsClient.OPENED, client.await(f -> f.channel() == 1, BOUND).type());
                    byte[] sent = "through the container".getBytes(StandardCharsets.UTF_8);
                    client.send(1, sent);
                    assertArrayEquals(sent, client.readData(1, sent.length, BOUND));

                    podman("stop", "--time", "20", id);
                    WsClient.Frame close = client.await(f -> f.type() == WsClient.SESSION_CLOSE, BOUND);
                    assertEquals(4010, close.closeCode(), close.closeReason());
                }
                assertEquals("0", podman("inspect", "--format", "{{.State.ExitCode}}", id).strip());
                assertTrue(podman("logs", id).contains("SIGTERM: draining"));
            } finally {
                podman("rm", "-f", id);
                podman("rmi", "-f", tag);
            }
        }
    }

    private void awaitListening(String id) throws Exception {
        long end = System.nanoTime() + STARTUP_BOUND.toNanos();
        String logs = "";
        while (System.nanoTime() < end) {
            logs = podman("logs", id);
            if (logs.contains("cometgate is listening on")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the container did not start listening:\n" + logs);
    }

    /** Runs podman; its output (stdout and stderr), or an assertion error with it on a non-zero exit. */
    private static String podman(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(PODMAN);
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The image config's "config" object, read from the tarball as `docker save` lays it out. */
    private Map<String, Object> imageConfig(Path tar) throws Exception {
        Path unpacked = Files.createDirectory(dir.resolve("image"));
        List<Object> manifest = JSONArrayUtils.parse(extract(tar, unpacked, "manifest.json"));
        String configName = (String) ((Map<?, ?>) manifest.get(0)).get("Config");
        Map<String, Object> config = JSONObjectUtils.parse(extract(tar, unpacked, configName));
        return JSONObjectUtils.getJSONObject(config, "config");
    }

    private static String extract(Path tar, Path into, String name) throws IOException, InterruptedException {
        Process tarProcess = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", into.toString(), name)
                .redirectErrorStream(true).start();
        String output = new String(tarProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tarProcess.waitFor(), output);
        return Files.readString(into.resolve(name));
    }
}
