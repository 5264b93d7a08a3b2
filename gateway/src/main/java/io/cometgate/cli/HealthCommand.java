package io.cometgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code cometgate health [URL]}: exit 0 when the gateway answers 200, 1 otherwise. A health
 * check for images without curl or a shell (the container image has neither), e.g.
 * {@code HEALTHCHECK CMD ["java", "-cp", "@/app/jib-classpath-file", "io.cometgate.cli.Main", "health"]}.
 */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Asks a running gateway's /healthz (or URL); exit 0 if it answers 200, 1 if not.")
final class HealthCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "URL", description = "Default: ${DEFAULT-VALUE}.")
    URI url = URI.create("http://127.0.0.1:8080/healthz");

    @Override
    public Integer call() throws InterruptedException {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            spec.commandLine().getErr().println("cometgate health: '" + url + "' is not an http(s) URL");
            return ExitCodes.USAGE;
        }
        // HTTP/1.1: the JDK client otherwise asks for an h2c upgrade, which the gateway does not speak.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            spec.commandLine().getOut().println(response.statusCode() + " " + response.body().strip());
            return response.statusCode() == 200 ? ExitCodes.OK : ExitCodes.RUNTIME;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("cometgate health: " + url + ": " + e);
            return ExitCodes.RUNTIME;
        }
    }
}
