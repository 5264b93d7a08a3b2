package io.cometgate.it;

import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway as Prometheus sees it: the admin listener answers a scrape addressed by IP (the
 * browser listeners refuse that Host), {@code promtool check metrics} accepts the real scrape,
 * the example alert rules pass {@code promtool check rules} and their unit tests, and every
 * series the rules and the Grafana dashboard query exists in the scrape.
 */
class OpsMonitoringIT {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path MONITORING = Path.of("..", "examples", "monitoring");
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";
    /** What Prometheus sends when it scrapes a pod by address. */
    private static final String POD_ADDRESS = "10.1.2.3:9100";
    private static final Pattern SERIES = Pattern.compile("\\b((?:cometgate|jvm|process)_[a-z0-9_]+)");

    @TempDir
    Path dir;

    @Test
    void theAdminListenerServesScrapesByAddressThatPromtoolAcceptsAndReadinessFailsWhileDraining() throws Exception {
        requirePromtool();
        try (EchoBackend echo = new EchoBackend()) {
            Path policy = PolicyFile.write(dir.resolve("gw.policy"), HOST, ORIGIN,
                    "alias echo " + echo.target() + " allow-loopback");
            try (GatewayProcess gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                    "--policy", policy.toString(), "--drain-timeout", "5s");
                 WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
                // An open channel keeps the drain going long enough to watch readiness during it.
                client.open(1, "echo");
                assertEquals(WsClient.OPENED, client.await(f -> f.channel() == 1, BOUND).type());
                checkScrapes(gateway);
                checkReadinessWhileDraining(gateway);
            }
        }
    }

    private void checkScrapes(GatewayProcess gateway) throws Exception {
        InetSocketAddress admin = gateway.admin();
        assertEquals(403, PlainHttp.get(gateway.http(), "/metrics", POD_ADDRESS).status(),
                "the browser listener keeps its Host allowlist");
        PlainHttp.Response scrape = PlainHttp.get(admin, "/metrics", POD_ADDRESS);
        assertEquals(200, scrape.status(), scrape.body());
        assertTrue(scrape.body().contains("\ncometgate_build_info{"), scrape.body());
        assertEquals(404, PlainHttp.get(admin, "/", POD_ADDRESS).status(), "the admin listener serves nothing else");
        assertEquals(404, PlainHttp.get(admin, "/cometgate/session", POD_ADDRESS).status());

        Path scraped = Files.writeString(dir.resolve("scrape.txt"), scrape.body());
        promtool(List.of("check", "metrics"), scraped);

        Set<String> exposed = new TreeSet<>();
        for (Matcher m = Pattern.compile("(?m)^([a-z_][a-z0-9_]*)[ {]").matcher(scrape.body()); m.find(); ) {
            exposed.add(m.group(1));
        }
        List<String> missing = new ArrayList<>();
        for (String file : List.of("cometgate-alerts.yml", "cometgate-dashboard.json")) {
            for (Matcher m = SERIES.matcher(Files.readString(MONITORING.resolve(file))); m.find(); ) {
                if (!exposed.contains(m.group(1))) {
                    missing.add(file + ": " + m.group(1));
                }
            }
        }
        assertTrue(missing.isEmpty(), "queried but not exposed: " + missing);
    }

    private void checkReadinessWhileDraining(GatewayProcess gateway) throws Exception {
        InetSocketAddress admin = gateway.admin();
        assertEquals(200, PlainHttp.get(admin, "/readyz", POD_ADDRESS).status());
        gateway.terminate();
        long end = System.nanoTime() + BOUND.toNanos();
        int status = 200;
        while (status != 503 && System.nanoTime() < end) {
            status = PlainHttp.get(admin, "/readyz", POD_ADDRESS).status();
            Thread.sleep(20);
        }
        assertEquals(503, status, "readiness on the admin listener while draining");
        assertEquals(200, PlainHttp.get(admin, "/healthz", POD_ADDRESS).status());
    }

    @Test
    void theExampleAlertRulesAreValidAndTheirUnitTestsPass() throws Exception {
        requirePromtool();
        promtool(List.of("check", "rules", "cometgate-alerts.yml"), null);
        promtool(List.of("test", "rules", "cometgate-alerts.test.yml"), null);
        promtool(List.of("check", "config", "prometheus.yml"), null);
    }

    private static void requirePromtool() {
        if (!Files.isExecutable(PROMTOOL)) {
            if ("true".equals(System.getenv("CI"))) {
                fail(PROMTOOL + " is missing: install it (apt-get install prometheus; .ci/run does)");
            }
            Assumptions.abort(PROMTOOL + " is not installed (apt-get install prometheus); CI=true makes this a failure");
        }
    }

    /** Runs promtool in examples/monitoring (relative rule paths), with {@code stdin} as its input if given. */
    private static void promtool(List<String> args, Path stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + args + " did not finish");
        }
        assertEquals(0, process.exitValue(), "promtool " + args + ":\n" + output);
    }
}
