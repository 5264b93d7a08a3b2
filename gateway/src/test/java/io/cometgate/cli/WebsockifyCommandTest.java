package io.cometgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cometgate websockify}: websockify's argument forms, and a clear usage error for what it does not take. */
class WebsockifyCommandTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "websockify";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "6080|give TARGET_HOST:TARGET_PORT or --token-source FILE|DIR",
            "6080 127.0.0.1:5900 --token-source t|give either TARGET_HOST:TARGET_PORT or --token-source, not both",
            "6080 vnc-host|target 'vnc-host' is not TARGET_HOST:TARGET_PORT",
            "notaport 127.0.0.1:5900|'notaport' is not [HOST:]PORT",
            "--daemon 6080 127.0.0.1:5900|websockify's --daemon: run cometgate under systemd",
            "--unix-target=/run/x.sock 6080|websockify's --unix-target: not supported",
            "--token-plugin JWTTokenApi --token-source k 6080|--token-plugin JWTTokenApi is not supported",
            "--key k.pem 6080 127.0.0.1:5900|--key needs --cert",
            "--frobnicate 6080 127.0.0.1:5900|unknown argument '--frobnicate'",
    })
    void badArgumentsAreAUsageErrorSayingWhy(String args, String message) {
        assertEquals(ExitCodes.USAGE, run(args.split(" ")));
        assertTrue(err.toString().contains(message), err.toString());
    }

    @Test
    void aBarePortListensOnEveryAddressAsWebsockifyDoes() {
        assertTrue(WebsockifyCommand.listenAddress("6080").getAddress().isAnyLocalAddress());
        assertEquals(6080, WebsockifyCommand.listenAddress("6080").getPort());
        assertTrue(WebsockifyCommand.listenAddress("[::1]:6080").getAddress().isLoopbackAddress());
    }

    @Test
    void portZeroIsResolvedToAFreePortBeforeThePolicyIsDerived() {
        int port = WebsockifyCommand.listenAddress("127.0.0.1:0").getPort();
        assertTrue(port > 0, "port " + port);
    }
}
