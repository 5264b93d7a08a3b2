package io.cometgate.websockify;

import io.cometgate.testing.EchoBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar cometgate.jar websockify ...} as websockify's users run it: a fixed target,
 * token files, and the derived policy refusing anything the arguments did not name.
 */
class WebsockifyCliIT {

    private static final Pattern LISTENING = Pattern.compile("cometgate is listening on http://([0-9.]+):(\\d+)/");

    @TempDir
    Path dir;

    private Process process;
    private final List<String> output = new ArrayList<>();
    private EchoBackend echo;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroy(); // SIGTERM to this PID
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void aFixedTargetIsRelayedOnAnyPathWithWebsockifysArguments() throws Exception {
        echo = new EchoBackend();
        int port = start("127.0.0.1:0", echo.target());
        try (RawClient client = RawClient.connect(URI.create("ws://127.0.0.1:" + port + "/websockify"),
                "http://127.0.0.1:" + port, "binary")) {
            client.sendBinary(new byte[] {'R', 'F', 'B'});
            assertArrayEquals(new byte[] {'R', 'F', 'B'}, client.next().bytes());
        }
    }

    @Test
    void tokenFilesPickTheTargetAndTheDerivedPolicyRefusesAnEntryAddedLater() throws Exception {
        echo = new EchoBackend();
        Path tokens = Files.writeString(dir.resolve("tokens"), "vnc1: localhost:" + echo.port() + "\n");
        int port = start("--token-source", tokens.toString(), "127.0.0.1:0");
        URI base = URI.create("ws://127.0.0.1:" + port + "/");
        try (RawClient client = RawClient.connect(base.resolve("?token=vnc1"), null)) {
            client.sendBinary(new byte[] {1});
            assertArrayEquals(new byte[] {1}, client.next().bytes());
        }
        Files.writeString(tokens, "vnc1: localhost:" + echo.port() + "\nlater: 127.0.0.1:9\n");
        Thread.sleep(2500); // the token files are polled once a second
        try (RawClient client = RawClient.connect(base.resolve("?token=later"), null)) {
            RawClient.Close close = client.awaitClose();
            assertEquals(4004, close.code(), close.toString());
        }
        try (RawClient client = RawClient.connect(base.resolve("?token=nope"), null)) {
            assertEquals(new RawClient.Close(1008, "unknown token 'nope'"), client.awaitClose());
        }
    }

    @Test
    void proxyProtocolGivesTheBackendTheRealClientAddressBeforeAnyClientByte() throws Exception {
        try (io.cometgate.it.RecordingBackend backend = new io.cometgate.it.RecordingBackend()) {
            int port = start("--proxy-protocol", "v1", "127.0.0.1:0", backend.hostPort());
            try (RawClient client = RawClient.connect(URI.create("ws://127.0.0.1:" + port + "/"), null, "binary")) {
                client.sendBinary("hello".getBytes(StandardCharsets.US_ASCII));
                var connection = backend.awaitConnection(java.time.Duration.ofSeconds(10));
                String all = "";
                while (!all.endsWith("hello")) {
                    all = new String(connection.awaitBytes(all.length() + 1, java.time.Duration.ofSeconds(10)), StandardCharsets.US_ASCII);
                }
                assertTrue(all.startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 "), all);
                assertTrue(all.endsWith("\r\nhello"), all);
            }
        }
    }

    /** Starts the jar, returns its port once it listens. */
    private int start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", System.getProperty("cometgate.jar", "target/cometgate.jar"), "websockify"));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line = in.readLine(); line != null && System.nanoTime() < end; line = in.readLine()) {
            output.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> in.lines().forEach(l -> { }), "websockify-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(2));
            }
        }
        throw new IOException("cometgate websockify did not start:\n" + String.join("\n", output));
    }

    @Test
    void theHelpNamesWebsockifysForm() throws Exception {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("cometgate.jar", "target/cometgate.jar"), "websockify", "--help")
                .redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        assertTrue(text.contains("[HOST:]PORT") && text.contains("--token-source") && text.contains("--web"), text);
    }
}
