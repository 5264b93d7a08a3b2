package io.cometgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every serve flag from the environment and a config file, with precedence flag > environment > file > default. */
class ServeDefaultsTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    /** Which source wins for --heartbeat: given as flag / env / file ("-" = not given). */
    @ParameterizedTest(name = "flag {0}, env {1}, file {2}: {3}")
    @CsvSource({
            "-,   -,   -,   25s",
            "-,   -,   3s,  3s",
            "-,   2s,  3s,  2s",
            "1s,  2s,  3s,  1s",
            "1s,  -,   3s,  1s",
            "-,   2s,  -,   2s",
    })
    void theFlagBeatsTheEnvironmentWhichBeatsTheFile(String flag, String env, String file, String expected) throws Exception {
        Map<String, String> variables = new HashMap<>();
        List<String> args = new ArrayList<>(List.of("serve"));
        if (!flag.equals("-")) {
            args.addAll(List.of("--heartbeat", flag));
        }
        if (!env.equals("-")) {
            variables.put("COMETGATE_HEARTBEAT", env);
        }
        if (!file.equals("-")) {
            args.addAll(List.of("--config", Files.writeString(dir.resolve("serve.conf"), "heartbeat = " + file + "\n").toString()));
        }
        ServeCommand serve = parse(variables, args.toArray(String[]::new));
        Duration heartbeat = serve.heartbeat == null ? Duration.ofSeconds(25) : serve.heartbeat;
        assertEquals(io.cometgate.policy.Durations.parse(expected), heartbeat);
    }

    @Test
    void aRepeatableFlagTakesRepeatedLinesOrCommasAndTheEnvironmentReplacesTheFileWhole() throws Exception {
        Path conf = Files.writeString(dir.resolve("serve.conf"), String.join("\n",
                "# the gateway's listeners", "listen = 127.0.0.1:8081", "listen = [::1]:8081", "", "transports = websocket,eventsource", ""));
        ServeCommand fromFile = parse(Map.of(), "serve", "--config", conf.toString());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8081), new InetSocketAddress("::1", 8081)), fromFile.listen);
        assertEquals(List.of("websocket", "eventsource"), fromFile.transports);

        ServeCommand fromEnv = parse(Map.of("COMETGATE_CONFIG", conf.toString(), "COMETGATE_LISTEN", "127.0.0.1:9001,127.0.0.1:9002"), "serve");
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 9001), new InetSocketAddress("127.0.0.1", 9002)), fromEnv.listen);
        assertEquals(List.of("websocket", "eventsource"), fromEnv.transports, "COMETGATE_CONFIG names the file");
    }

    @Test
    void everyKindOfFlagComesFromTheEnvironment() throws Exception {
        ServeCommand serve = parse(Map.of("COMETGATE_DEMO", "false", "COMETGATE_NO_BIND_CLIENT_ADDRESS", "true",
                "COMETGATE_POLICY", "/etc/cometgate/gateway.policy", "COMETGATE_THREADS", "3",
                "COMETGATE_MAX_MESSAGE", "256k", "COMETGATE_DRAIN_TIMEOUT", "1h", "COMETGATE_LOG_FORMAT", "json"), "serve");
        assertEquals(Boolean.FALSE, serve.demo);
        assertTrue(serve.unboundClientAddress);
        assertEquals(Path.of("/etc/cometgate/gateway.policy"), serve.policy);
        assertEquals(3, serve.threads);
        assertEquals(256 * 1024, serve.maxMessage);
        assertEquals(Duration.ofHours(1), serve.drainTimeout);
        assertEquals("json", serve.logFormat);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "COMETGATE_HEARTBEAT=-5s             | cometgate serve: COMETGATE_HEARTBEAT=-5s: '-5s' is not a duration",
            "COMETGATE_THREADS=0                 | cometgate serve: COMETGATE_THREADS=0: '0' is out of range: 1 to 1024",
            "COMETGATE_DEMO=yes                  | cometgate serve: COMETGATE_DEMO=yes: must be true or false",
            "COMETGATE_LISTEN=127.0.0.1:1,x:2    | cometgate serve: COMETGATE_LISTEN=127.0.0.1:1,x:2: 'x:2': listen on an IP address",
            "COMETGATE_LISSEN=127.0.0.1:1        | cometgate serve: COMETGATE_LISSEN is not a serve setting",
    })
    void aBadEnvironmentVariableIsAUsageErrorNamingIt(String variable, String expected) {
        String[] kv = variable.split("=", 2);
        assertEquals(ExitCodes.USAGE, execute(Map.of(kv[0], kv[1]), "serve"));
        assertTrue(err.toString().strip().startsWith(expected), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void theJarPathVariableOfLaunchScriptsIsNotMistakenForAMisspeltSetting() {
        // COMETGATE_THREADS=0 makes serve stop at the settings check; the only problem named
        // must be that one, not the inherited COMETGATE_JAR.
        assertEquals(ExitCodes.USAGE, execute(Map.of("COMETGATE_JAR", "/opt/cometgate.jar", "COMETGATE_THREADS", "0"), "serve"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("COMETGATE_THREADS=0"), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "heartbeat = 0           | serve.conf:2: heartbeat = 0: '0' is out of range: 1ms to 24h",
            "lissen = 127.0.0.1:1    | serve.conf:2: 'lissen' is not a serve setting",
            "no-demo = true          | serve.conf:2: 'no-demo' is not a serve setting",
            "config = other.conf     | serve.conf:2: 'config' is not a serve setting",
            "listen 127.0.0.1:1      | serve.conf:2: expected 'name = value'",
    })
    void aBadConfigLineIsAUsageErrorWithFileAndLine(String line, String expected) throws Exception {
        Path conf = Files.writeString(dir.resolve("serve.conf"), "# settings\n" + line + "\n");
        assertEquals(ExitCodes.USAGE, execute(Map.of(), "serve", "--config", conf.toString()));
        assertTrue(err.toString().contains(expected), err.toString());
        assertTrue(err.toString().strip().lines().allMatch(l -> l.startsWith("cometgate serve: ")), err.toString());
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        assertEquals(ExitCodes.USAGE, execute(Map.of(), "serve", "--config", dir.resolve("absent.conf").toString()));
        assertTrue(err.toString().contains("absent.conf: cannot read the config file"), err.toString());
        assertFalse(err.toString().contains("listening"), err.toString());
    }

    private ServeCommand parse(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    private int execute(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
