package io.cometgate.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out-of-range and malformed values are refused while the flags are parsed: exit 2 and one
 * line naming the flag, the value and the valid range, before anything starts.
 */
class FlagValidationTest {

    private static final StringWriter out = new StringWriter();
    private static final StringWriter err = new StringWriter();
    /** Built once: picocli resets every option before each parse, and building the model is the slow part. */
    private static CommandLine cli;

    @BeforeAll
    static void commandLine() {
        cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "serve --heartbeat -5s                  | cometgate serve: Invalid value for option '--heartbeat': '-5s' is not a duration",
            "serve --heartbeat 0                    | '--heartbeat': '0' is out of range: 1ms to 24h",
            "serve --session-timeout 0              | '--session-timeout': '0' is out of range: 1ms to 24h",
            "serve --poll-timeout 25                | '--poll-timeout': '25' is not a duration (examples: 500ms, 25s, 5m, 1h)",
            "serve --poll-timeout 25h               | '--poll-timeout': '25h' is out of range: 1ms to 24h",
            "serve --drain-timeout -1s              | '--drain-timeout': '-1s' is not a duration",
            "serve --threads -3                     | '--threads': '-3' is out of range: 1 to 1024",
            "serve --threads 0                      | '--threads': '0' is out of range: 1 to 1024",
            "serve --threads many                   | '--threads': 'many' is not a whole number",
            "serve --window 0                       | '--window': '0' is out of range: 1 byte to 1024m",
            "serve --max-message -64k               | '--max-message': '-64k' is not a size",
            "serve --stream-budget 2048m            | '--stream-budget': '2048m' is out of range: 1 byte to 1024m",
            "serve --redis-failure open             | cometgate serve: --redis-failure must be 'closed' or 'local', not 'open'",
            "serve --redis http://127.0.0.1:6379    | cometgate serve: --redis: not a Redis URI (redis://HOST:PORT[/DB]): http://127.0.0.1:6379",
            "bench run --duration -1                | cometgate bench run: Invalid value for option '--duration': '-1' is out of range: 1 to 2147483647",
            "bench run --repeat 0                   | '--repeat': '0' is out of range",
            "bench run --s4-sessions 100,-5         | '-5' is out of range: 1 to",
            "bench run --warmup-ms -1               | '--warmup-ms': '-1' is out of range: 0 to",
            "bench backend --max-lifetime 0         | '--max-lifetime': '0' is out of range: at least 1",
            "bench relay --threads 0                | '--threads': '0' is out of range: 1 to 1024",
            "cert self-signed --out x --days 0      | '--days': '0' is out of range: 1 to 36500",
    })
    void aBadValueIsAUsageErrorOnOneLine(String args, String expected) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        int code = cli.execute(args.trim().split(" +"));
        assertEquals(ExitCodes.USAGE, code, err.toString());
        String text = err.toString().strip();
        assertTrue(text.contains(expected), text);
        assertEquals(1, text.lines().count(), text);
        assertEquals("", out.toString());
    }
}
