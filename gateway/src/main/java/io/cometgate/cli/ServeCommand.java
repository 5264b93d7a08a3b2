package io.cometgate.cli;

import io.cometgate.cluster.NodeId;
import io.cometgate.cluster.PolicyFingerprint;
import io.cometgate.cluster.RedisClusterLimits;
import io.cometgate.session.ClusterLimits;
import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.demo.DemoBackends;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.http.StaticFiles;
import io.cometgate.http.ListenFailure;
import io.cometgate.policy.Decider;
import io.cometgate.http.TrustedSources;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.policy.PolicyException;
import io.cometgate.policy.Problem;
import io.cometgate.relay.clientaddr.ForwardedFor;
import io.cometgate.tls.ReloadingServerTls;
import io.cometgate.tls.TlsConfigException;
import io.cometgate.flags.Converters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code cometgate serve}: runs the gateway until SIGTERM/SIGINT (graceful drain) or a second signal. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Runs the gateway.",
                "With no --policy: serves a demo page at / on the --listen addresses (default 127.0.0.1:8080), "
                        + "starts the demo echo and chat backends on free loopback ports, and allows exactly "
                        + "those, for pages served by this gateway."},
        sortOptions = false)
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from FILE ('name = value' lines, e.g. 'listen = 127.0.0.1:8080'; "
                    + "also COMETGATE_CONFIG). Every flag can also come from the environment (--drain-timeout is "
                    + "COMETGATE_DRAIN_TIMEOUT). Precedence: flag > environment > file > default.")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = Converters.HostPort.class, split = ",",
            description = "Address to listen on (repeatable, or comma-separated). Default: 127.0.0.1:8080.")
    List<InetSocketAddress> listen;

    @Option(names = "--tls-listen", paramLabel = "HOST:PORT", converter = Converters.HostPort.class, split = ",",
            description = "HTTPS/WSS listener (repeatable); needs --tls-cert and --tls-key, or --tls-self-signed.")
    List<InetSocketAddress> tlsListen;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
            description = "Admin listener: /metrics, /healthz and /readyz for any Host header, nothing else "
                    + "(for Prometheus and probes that address the gateway by IP). Keep it off public networks.")
    InetSocketAddress adminListen;

    @Option(names = "--proxy-protocol-from", split = ",", paramLabel = "CIDR",
            description = "L4 balancers (HAProxy send-proxy, cloud NLBs) whose connections must start with a PROXY "
                    + "protocol v1/v2 header; its source address becomes the client's. A header from any other "
                    + "source is refused. Applies to every --listen and --tls-listen.")
    List<String> proxyProtocolFrom;

    @CommandLine.Mixin
    ServerTlsOptions tlsOptions = new ServerTlsOptions();

    @Option(names = "--hostname", paramLabel = "NAME", split = ",", description = "Extra name this gateway is reached by (repeatable): put in the certificate of "
                    + "--tls-self-signed, and in the Host/Origin allowlists of the built-in demo policy.")
    List<String> hostnames = new java.util.ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Access policy file (see policy/README.md). Default: the built-in demo policy, "
                    + "which allows only this gateway's own pages and the demo backends.")
    Path policy;

    @Option(names = "--static", paramLabel = "DIR",
            description = "Serve the regular files under DIR (read-only) at / instead of the demo page, e.g. an "
                    + "application page that imports /cometgate.js from this origin. /cometgate.js and /js/ stay the client's.")
    Path staticDir;

    @Option(names = "--csp", paramLabel = "POLICY",
            description = "Content-Security-Policy of the --static pages (default: self-origin, inline scripts and "
                    + "styles, blob: workers; see docs/OPERATIONS.md).")
    String csp = StaticFiles.DEFAULT_CSP;

    @Option(names = "--demo", negatable = true,
            description = "Start the demo echo and chat backends: on free ports without --policy (the built-in "
                    + "policy names them), on 127.0.0.1:65101 and 127.0.0.1:65102 with it. "
                    + "Default: on without --policy, off with it.")
    Boolean demo;

    @Option(names = "--transports", split = ",", paramLabel = "LIST",
            description = "Enabled transports: websocket, xhr-streaming, eventsource, htmlfile, xhr-polling, "
                    + "jsonp-polling, or all. Default: all but jsonp-polling (JSONP carries no Origin).")
    List<String> transports;

    @Option(names = "--path-prefix", paramLabel = "PATH", description = "URL prefix of the protocol endpoints (default: ${DEFAULT-VALUE}).")
    String pathPrefix = "/cometgate";

    @Option(names = "--max-message", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Largest WebSocket message or POST body (default 128k).")
    Integer maxMessage;

    @Option(names = "--window", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Initial flow-control credit per channel and direction (default 128k).")
    Integer window;

    @Option(names = "--max-window", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Largest a channel's upstream window grows to while the client sends fast (default 1m).")
    Integer maxWindow;

    @Option(names = "--session-window-budget", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Sum of a session's upstream channel windows beyond which none grows (default 2m).")
    Integer windowBudget;

    @Option(names = "--retransmit-bound", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Unacknowledged bytes per session before backends stop being read (default 256k).")
    Integer retransmitBound;

    @Option(names = "--stream-budget", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes after which a streaming response is recycled (default 1m).")
    Integer streamBudget;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "Heartbeat toward idle streams and WebSockets (default 25s).")
    Duration heartbeat;

    @Option(names = "--session-timeout", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "A session with no transport attached this long expires (default 30s).")
    Duration sessionTimeout;

    @Option(names = "--poll-timeout", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "How long a long-poll is held (default 25s).")
    Duration pollTimeout;

    @Option(names = "--no-bind-client-address", description = "Let a session be used from another client address (mobile clients behind changing NAT).")
    boolean unboundClientAddress;

    @Option(names = "--threads", paramLabel = "N", converter = Converters.Threads.class,
            description = "Event-loop threads, 1 to 1024 (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Converters.GraceDuration.class,
            description = "On SIGTERM, how long open channels may finish (default 30s).")
    Duration drainTimeout = Duration.ofSeconds(30);

    @CommandLine.Mixin
    ClusterOptions clusterOptions = new ClusterOptions();

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace (default info).")
    String logLevel = "info";

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json (JSON lines) (default text).")
    String logFormat = "text";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (spec.defaultValueProvider() instanceof ServeDefaults defaults) {
            List<String> problems = defaults.problems(spec);
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("cometgate serve: " + p));
                return ExitCodes.USAGE;
            }
        }
        String logProblem = Logging.configure(logLevel, logFormat);
        if (logProblem != null) {
            err.println("cometgate serve: " + logProblem);
            return ExitCodes.USAGE;
        }
        GatewayConfig config;
        NodeId node;
        try {
            config = config();
            node = clusterOptions.node();
            clusterOptions.check();
        } catch (IllegalArgumentException e) {
            err.println("cometgate serve: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        TrustedSources proxySources;
        try {
            proxySources = proxyProtocolFrom == null || proxyProtocolFrom.isEmpty() ? null : TrustedSources.parse(proxyProtocolFrom);
        } catch (IllegalArgumentException e) {
            err.println("cometgate serve: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        StaticFiles files = null;
        if (staticDir != null) {
            try {
                files = StaticFiles.open(staticDir, csp);
            } catch (IllegalArgumentException e) {
                err.println("cometgate serve: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        PolicyDecider filePolicy = null;
        if (policy != null) {
            try {
                filePolicy = PolicyDecider.load(policy);
            } catch (PolicyException e) {
                e.problems().forEach(p -> err.println(p.render()));
                err.println("cometgate serve: the policy has errors; check it with 'cometgate policy check FILE'");
                return ExitCodes.USAGE;
            }
            for (Problem warning : filePolicy.warnings()) {
                org.slf4j.LoggerFactory.getLogger("cometgate.policy").warn("{}", warning.render());
            }
        }
        ReloadingServerTls tls;
        try {
            tls = tlsOptions.serverTls(tlsListen, hostnames, spec.commandLine().getOut());
        } catch (TlsConfigException | IllegalArgumentException e) {
            err.println("cometgate serve: " + e.getMessage());
            if (filePolicy != null) {
                filePolicy.close();
            }
            return ExitCodes.USAGE;
        }
        RunningGateway running = new RunningGateway(EventLoops.create(threads), filePolicy, tls);
        try {
            start(running, config, files, node, proxySources);
        } catch (ListenFailure e) {
            running.close();
            err.println("cometgate serve: " + e.getMessage());
            return ExitCodes.RUNTIME;
        } catch (Exception e) {
            running.close();
            err.println("cometgate serve: cannot start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCodes.RUNTIME;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.install(running::reloadPolicy, () -> {
            try {
                running.server.drain(drainTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.close();
                stopped.countDown();
            }
        });
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * Starts the demo backends, the policy and the listeners, in that order: the built-in demo
     * policy names the backends' ports, and is rendered again once the listeners' ports are known.
     * Bind failures come back as {@link ListenFailure} with a message naming the address and the fix.
     */
    private void start(RunningGateway running, GatewayConfig config, StaticFiles files, NodeId node,
                       TrustedSources proxySources) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean builtIn = policy == null;
        if (demo != null ? demo : builtIn) {
            running.demoBackends = new DemoBackends();
            try {
                running.demoBackends.start(running.loops, builtIn ? DemoBackends.FREE_PORT : DemoBackends.FIXED_ECHO,
                        builtIn ? DemoBackends.FREE_PORT : DemoBackends.FIXED_CHAT);
            } catch (ListenFailure e) {
                throw new ListenFailure(e.address(), e.getCause(), BindErrors.forDemoBackend(e));
            }
        }
        Decider decider;
        if (builtIn) {
            running.demoPolicy = BuiltInDemoPolicy.forListeners(config.listen(), or(tlsListen, List.of()), hostnames,
                    running.demoBackends);
            decider = running.demoPolicy.decider();
        } else {
            decider = running.filePolicy;
        }
        ForwardedFor forwarded = new ForwardedFor(decider::isTrustedProxy, ForwardedFor.Source.EITHER);
        PolicyFingerprint fingerprint = builtIn ? null : PolicyFingerprint.of(node, running.filePolicy.file());
        ClusterLimits cluster = ClusterLimits.PER_NODE;
        if (clusterOptions.redis != null) {
            running.redis = RedisClusterLimits.start(node.value(), clusterOptions.redis, clusterOptions.failureMode(),
                    config.sessionTimeout(), () -> fingerprint == null ? "" : fingerprint.sha256());
            cluster = running.redis.limits();
        }
        running.server = GatewayAssembly.server(config, decider, new LoggingChannelAudit(),
                running.loops, forwarded::clientAddress, node.value(), null, cluster);
        if (running.redis != null) {
            running.redis.registerIn(running.server.context().metrics());
        }
        if (files != null) {
            running.server.serveStaticFiles(files);
        }
        if (proxySources != null) {
            running.server.acceptProxyProtocolFrom(proxySources);
        }
        List<InetSocketAddress> bound = BindErrors.bind(() -> running.server.start(), "--listen");
        List<InetSocketAddress> secure = running.tls == null ? List.of()
                : BindErrors.bind(() -> running.server.startTls(tlsListen, running.tls), "--tls-listen");
        InetSocketAddress admin = adminListen == null ? null
                : BindErrors.bind(() -> List.of(running.server.startAdmin(adminListen)), "--admin-listen").get(0);
        if (builtIn) {
            running.demoPolicy.listenersBound(bound, secure);
        } else {
            PolicyDecider fileDecider = running.filePolicy;
            GatewayServer server = running.server;
            fingerprint.registerIn(server.context().metrics());
            fileDecider.addReloadListener(fingerprint::refresh);
            fileDecider.addReloadListener(() -> {
                if (fileDecider.closeDisallowedOnReload()) {
                    server.context().registry().forEachOnLoop(session -> session.closeChannelsNoLongerAllowed(fileDecider::stillAllowed));
                }
            });
            fileDecider.watch();
        }
        for (InetSocketAddress address : bound) {
            out.println("cometgate is listening on http://" + ListenFailure.hostPort(address) + "/");
        }
        for (InetSocketAddress address : secure) {
            out.println("cometgate is listening on https://" + ListenFailure.hostPort(address) + "/");
        }
        if (admin != null) {
            out.println("cometgate admin is listening on http://" + ListenFailure.hostPort(admin) + "/metrics");
        }
        out.flush();
    }

    private GatewayConfig config() {
        GatewayConfig defaults = GatewayConfig.defaults();
        GatewayConfig config = defaults
                .withListen(listen == null || listen.isEmpty() ? defaults.listen() : listen)
                .withTransports(transports())
                .withTimeouts(or(heartbeat, defaults.heartbeat()), or(sessionTimeout, defaults.sessionTimeout()),
                        or(pollTimeout, defaults.pollTimeout()))
                .withSizes(or(maxMessage, defaults.maxMessageBytes()), or(window, defaults.channelWindow()),
                        or(retransmitBound, defaults.retransmitBound()), or(streamBudget, defaults.streamBudget()))
                .withWindows(or(maxWindow, defaults.maxWindow()), or(windowBudget, defaults.windowBudget()))
                .withBindClientAddress(!unboundClientAddress)
                .withPathPrefix(pathPrefix);
        if (config.maxMessageBytes() < config.maxFramePayload() + 13) {
            throw new IllegalArgumentException("--max-message must be at least " + (config.maxFramePayload() + 13)
                    + " bytes (one full frame)");
        }
        if (!pathPrefix.matches("/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*")) {
            throw new IllegalArgumentException("--path-prefix must look like /cometgate (got '" + pathPrefix + "')");
        }
        return config;
    }

    private Set<TransportKind> transports() {
        if (transports == null || transports.isEmpty()) {
            return TransportKind.DEFAULT_ENABLED;
        }
        Set<TransportKind> enabled = EnumSet.noneOf(TransportKind.class);
        for (String name : transports) {
            if (name.equals("all")) {
                enabled.addAll(EnumSet.allOf(TransportKind.class));
            } else {
                enabled.add(TransportKind.fromLabel(name.trim()));
            }
        }
        return enabled;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
