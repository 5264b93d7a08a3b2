package io.cometgate.cli;

import io.cometgate.config.GatewayConfig;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.http.StaticFiles;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.policy.PolicyException;
import io.cometgate.policy.Problem;
import io.cometgate.relay.clientaddr.ForwardedFor;
import io.cometgate.tls.ReloadingServerTls;
import io.cometgate.tls.TlsConfigException;
import io.cometgate.websockify.DerivedPolicy;
import io.cometgate.tokenfiles.TokenFiles;
import io.cometgate.websockify.WebsockifyEndpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code cometgate websockify}: websockify's command line (docs/WEBSOCKIFY.md maps every
 * option), on the gateway: one WebSocket per TCP connection on every path, {@code --web}
 * files beside it, and, unless {@code --policy} names one, a policy derived from the
 * arguments that allows exactly their targets.
 */
@Command(name = "websockify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"A drop-in for websockify: [HOST:]PORT [TARGET_HOST:TARGET_PORT], or --token-source.",
                "Without --policy, only the target (or the token files' targets) may be reached."},
        sortOptions = false)
public final class WebsockifyCommand implements Callable<Integer> {

    /** websockify options cometgate does not take, each with what to do instead. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("--daemon", "run cometgate under systemd (examples/systemd) instead of --daemon"),
            Map.entry("-D", "run cometgate under systemd (examples/systemd) instead of --daemon"),
            Map.entry("--run-once", "not supported"),
            Map.entry("--timeout", "not supported: cometgate runs until SIGTERM"),
            Map.entry("--idle-timeout", "not supported: per-connection idleness is the policy's 'limit channel-idle-timeout'"),
            Map.entry("--record", "not supported (it would write every byte to disk)"),
            Map.entry("--traffic", "not supported; see /metrics"),
            Map.entry("--unix-target", "not supported: cometgate connects to TCP targets only"),
            Map.entry("--unix-listen", "not supported: listen on a TCP address"),
            Map.entry("--inetd", "not supported"),
            Map.entry("--wrap-mode", "not supported: cometgate does not run programs"),
            Map.entry("--libserver", "not supported"),
            Map.entry("--host-token", "not supported: use ?token= or the token cookie"),
            Map.entry("--auth-plugin", "not supported: use the policy's Origin list and signed tokens (policy/README.md)"),
            Map.entry("--auth-source", "not supported: use the policy's Origin list and signed tokens (policy/README.md)"),
            Map.entry("--web-auth", "not supported"),
            Map.entry("--verify-client", "not supported here: client certificates are an option of 'cometgate serve'"),
            Map.entry("--cafile", "not supported here: client certificates are an option of 'cometgate serve'"),
            Map.entry("--key-password", "not supported: give an unencrypted PEM key readable only by the service user"),
            Map.entry("--ssl-version", "not supported: TLS 1.2 and 1.3 only"),
            Map.entry("--ssl-ciphers", "not supported: cometgate's cipher list is fixed"),
            Map.entry("--heartbeat", "not supported"),
            Map.entry("--log-file", "not supported: logs go to stdout (journald); see --log-format json"),
            Map.entry("--syslog", "not supported: logs go to stdout (journald)"),
            Map.entry("--legacy-syslog", "not supported"),
            Map.entry("--file-only", "not supported: --web serves regular files only, never listings"),
            Map.entry("--prefer-ipv6", "not supported: give an IPv6 literal to listen on, e.g. [::1]:6080"),
            Map.entry("-6", "not supported: give an IPv6 literal to listen on, e.g. [::1]:6080"));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "[HOST:]PORT", description = "Where to listen; a bare PORT listens on every address.")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET_HOST:TARGET_PORT", description = "The one target (or --token-source).")
    String target;

    @Option(names = "--token-source", paramLabel = "FILE|DIR", description = "websockify token file or directory (TOKEN: host:port lines), reloaded on change.")
    Path tokenSource;

    @Option(names = "--target-config", paramLabel = "FILE", hidden = true, description = "websockify's old name for --token-source.")
    Path targetConfig;

    @Option(names = "--token-plugin", paramLabel = "CLASS", description = "Accepted for websockify's command lines: TokenFile or ReadOnlyTokenFile (both reload here).")
    String tokenPlugin;

    @Option(names = "--web", paramLabel = "DIR", description = "Serve the regular files under DIR (e.g. noVNC) beside the WebSocket.")
    Path web;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM certificate chain: the listener speaks TLS (wss://, https://) only.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM private key for --cert (default: the --cert file, websockify's combined PEM).")
    Path key;

    @Option(names = "--ssl-only", description = "Accepted: with --cert, cometgate serves TLS only anyway.")
    boolean sslOnly;

    @Option(names = "--ssl-target", description = "TLS to the target, certificate and name checked (the policy's 'tls').")
    boolean sslTarget;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging.")
    boolean verbose;

    @Option(names = "--policy", paramLabel = "FILE", description = "cometgate: your own policy instead of the derived one.")
    Path policy;

    @Option(names = "--hostname", paramLabel = "NAME", description = "cometgate: another name browsers reach this listener by (Host and Origin of the derived policy; repeatable).")
    List<String> hostnames = new ArrayList<>();

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "cometgate: another page Origin allowed to connect, e.g. https://app.example.com (repeatable).")
    List<String> origins = new ArrayList<>();

    @Option(names = "--proxy-protocol", paramLabel = "v1|v2", description = "cometgate: send the real client address to the target in a PROXY protocol header.")
    String proxyProtocol;

    @Option(names = "--path", paramLabel = "PATH", description = "cometgate: serve the WebSocket only at PATH (default: any path, as websockify).")
    String path;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json (default text).")
    String logFormat = "text";

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = usageProblem();
        String logProblem = usage != null ? null : Logging.configure(verbose ? "debug" : "info", logFormat);
        if (usage != null || logProblem != null) {
            err.println("cometgate websockify: " + (usage != null ? usage : logProblem));
            err.flush();
            return ExitCodes.USAGE;
        }
        InetSocketAddress listen;
        try {
            listen = listenAddress(source);
        } catch (IllegalArgumentException e) {
            err.println("cometgate websockify: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        return run(listen, out, err);
    }

    private String usageProblem() {
        for (String arg : unmatched) {
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (UNSUPPORTED.containsKey(option)) {
                return "websockify's " + option + ": " + UNSUPPORTED.get(option);
            }
            return "unknown argument '" + arg + "' (see --help)";
        }
        if (targetConfig != null) {
            tokenSource = tokenSource == null ? targetConfig : tokenSource;
        }
        if (tokenPlugin != null && !tokenPlugin.matches("(websockify\\.token_plugins\\.)?(ReadOnly)?TokenFile")) {
            return "--token-plugin " + tokenPlugin + " is not supported: only websockify's token files "
                    + "(TokenFile, ReadOnlyTokenFile) via --token-source";
        }
        if ((target == null) == (tokenSource == null)) {
            return target == null ? "give TARGET_HOST:TARGET_PORT or --token-source FILE|DIR"
                    : "give either TARGET_HOST:TARGET_PORT or --token-source, not both";
        }
        if (target != null && !target.matches("(\\[[0-9A-Fa-f:.]+]|[^\\[\\]:\\s]+):\\d{1,5}")) {
            return "target '" + target + "' is not TARGET_HOST:TARGET_PORT (IPv6 in brackets, e.g. [::1]:5900)";
        }
        if (key != null && cert == null) {
            return "--key needs --cert";
        }
        if (proxyProtocol != null && !proxyProtocol.matches("v[12]")) {
            return "--proxy-protocol must be v1 or v2";
        }
        if (path != null && !path.startsWith("/")) {
            return "--path must start with / (e.g. /websockify)";
        }
        return null;
    }

    /**
     * {@code PORT}, {@code HOST:PORT}, {@code [v6]:PORT}; a bare port is every address, as in
     * websockify. Port 0 is resolved to a free port now, because the derived policy's Host and
     * Origin lines name the port before the listener is bound.
     */
    static InetSocketAddress listenAddress(String source) {
        InetSocketAddress address = parseListen(source);
        if (address.getPort() != 0) {
            return address;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, address.getAddress())) {
            return new InetSocketAddress(address.getAddress(), probe.getLocalPort());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot find a free port on " + address.getAddress().getHostAddress() + ": " + e.getMessage());
        }
    }

    private static InetSocketAddress parseListen(String source) {
        int colon = source.lastIndexOf(':');
        String host = colon < 0 ? "" : source.substring(0, colon);
        String port = source.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + source + "' is not [HOST:]PORT (examples: 6080, 127.0.0.1:6080, [::1]:6080)");
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(Integer.parseInt(port));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the listen address '" + host + "'");
        }
    }

    private int run(InetSocketAddress listen, PrintWriter out, PrintWriter err) throws Exception {
        TokenFiles tokens = null;
        PolicyDecider decider = null;
        ReloadingServerTls tls = null;
        EventLoops loops = null;
        GatewayServer server = null;
        try {
            String fixed = target == null ? null : TokenFiles.normalizeTarget(target);
            if (tokenSource != null) {
                tokens = TokenFiles.open(tokenSource); // logs each bad line as file:line: message
            }
            decider = PolicyDecider.load(policy != null ? policy : derivedPolicy(listen, fixed, tokens));
            for (Problem warning : decider.warnings()) {
                org.slf4j.LoggerFactory.getLogger("cometgate.policy").warn("{}", warning.render());
            }
            if (cert != null) {
                tls = ReloadingServerTls.start(cert, key != null ? key : cert);
            }
            GatewayConfig config = GatewayConfig.defaults().withListen(tls == null ? List.of(listen) : List.of());
            loops = EventLoops.create(Runtime.getRuntime().availableProcessors());
            ForwardedFor forwarded = new ForwardedFor(decider::isTrustedProxy, ForwardedFor.Source.EITHER);
            TokenFiles tokenTable = tokens;
            server = GatewayAssembly.server(config, decider, new LoggingChannelAudit(), loops,
                    forwarded::clientAddress, (context, relay, audit) -> tokenTable != null
                            ? WebsockifyEndpoint.tokens(context, relay, audit, tokenTable, path)
                            : WebsockifyEndpoint.fixed(context, relay, audit, fixed, path));
            if (web != null) {
                server.serveStaticFiles(StaticFiles.open(web));
            }
            List<InetSocketAddress> bound = tls == null ? server.start() : server.startTls(List.of(listen), tls);
            decider.watch();
            for (InetSocketAddress address : bound) {
                out.println("cometgate is listening on " + (tls == null ? "http" : "https") + "://" + hostPort(address) + "/");
            }
            out.println("websockify: WebSocket to " + (fixed != null ? fixed : "the targets of the tokens in " + tokenSource)
                    + (policy != null ? " (policy " + policy + ")" : " (only these targets are allowed)"));
            out.flush();
        } catch (PolicyException e) {
            e.problems().forEach(p -> err.println(p.render()));
            err.println("cometgate websockify: the policy has errors; check it with 'cometgate policy check FILE'");
            err.flush();
            stop(server, loops, decider, tls, tokens);
            return ExitCodes.USAGE;
        } catch (TlsConfigException | IllegalArgumentException | IOException e) {
            err.println("cometgate websockify: " + e.getMessage());
            err.flush();
            stop(server, loops, decider, tls, tokens);
            return e instanceof IOException && !(e instanceof java.net.BindException) ? ExitCodes.USAGE : ExitCodes.RUNTIME;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        GatewayServer running = server;
        EventLoops runningLoops = loops;
        PolicyDecider runningDecider = decider;
        ReloadingServerTls runningTls = tls;
        TokenFiles runningTokens = tokens;
        Signals.install(decider::reload, () -> {
            stop(running, runningLoops, runningDecider, runningTls, runningTokens);
            stopped.countDown();
        });
        stopped.await();
        return ExitCodes.OK;
    }

    private Path derivedPolicy(InetSocketAddress listen, String fixed, TokenFiles tokens) throws IOException {
        Collection<String> targets = fixed != null ? List.of(fixed)
                : tokens.table().entries().values().stream().map(TokenFiles.Entry::target).toList();
        List<String> options = new ArrayList<>();
        if (sslTarget) {
            options.add("tls");
        }
        if (proxyProtocol != null) {
            options.add("proxy-protocol=" + proxyProtocol);
        }
        String text = new DerivedPolicy(List.of(listen), cert != null, hostnames, origins, targets, options)
                .render("from: " + String.join(" ", spec.commandLine().getParseResult().originalArgs()).replaceAll("[\\r\\n]", " "));
        Path file = Files.createTempFile("cometgate-websockify-", ".policy");
        file.toFile().deleteOnExit();
        Files.writeString(file, text);
        org.slf4j.LoggerFactory.getLogger(WebsockifyCommand.class).info("derived policy ({}):\n{}", file, text);
        return file;
    }

    private static void stop(GatewayServer server, EventLoops loops, PolicyDecider decider, ReloadingServerTls tls,
                             TokenFiles tokens) {
        if (server != null) {
            server.close();
        }
        if (loops != null) {
            loops.shutdown();
        }
        if (decider != null) {
            decider.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
