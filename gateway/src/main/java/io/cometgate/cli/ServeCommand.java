package io.cometgate.cli;

import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.demo.DemoBackends;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.http.StaticFiles;
import io.cometgate.http.TrustedSources;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.policy.PolicyException;
import io.cometgate.policy.Problem;
import io.cometgate.relay.clientaddr.ForwardedFor;
import io.cometgate.tls.ClientCertificates;
import io.cometgate.tls.ReloadingServerTls;
import io.cometgate.tls.SelfSigned;
import io.cometgate.tls.ServerTlsContexts;
import io.cometgate.tls.TlsConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
                "With no flags: listens on 127.0.0.1:8080 with the bundled demo policy, starts the demo echo and "
                        + "chat backends on loopback, and serves a demo page at /."},
        sortOptions = false)
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
            description = "Address to listen on (repeatable). Default: 127.0.0.1:8080.")
    List<InetSocketAddress> listen;

    @Option(names = "--tls-listen", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
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

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "PEM bundle of the CAs that issue client certificates: TLS listeners ask every client for one "
                    + "(mutual TLS). Required unless --tls-client-auth optional. Read once at start.")
    Path tlsClientCa;

    @Option(names = "--tls-client-auth", paramLabel = "MODE",
            description = "With --tls-client-ca: 'required' (default; a client without a valid certificate fails the "
                    + "handshake) or 'optional' (checked when sent).")
    String tlsClientAuth = "required";

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the TLS listeners (reloaded when it changes).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8, or traditional RSA/EC) for the TLS listeners.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", paramLabel = "DIR",
            description = "Development only: use (creating it if absent) a self-signed EC P-256 certificate in DIR "
                    + "(cert.pem, key.pem; SANs localhost, 127.0.0.1, ::1 and every --hostname).")
    Path tlsSelfSigned;

    @Option(names = "--hostname", paramLabel = "NAME", description = "Extra name for --tls-self-signed (repeatable).")
    List<String> hostnames = new java.util.ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Access policy file (see policy/README.md). Default: the bundled demo policy.")
    Path policy;

    @Option(names = "--static", paramLabel = "DIR",
            description = "Serve the regular files under DIR (read-only) at / instead of the demo page, e.g. an "
                    + "application page that imports /cometgate.js from this origin. /cometgate.js and /js/ stay the client's.")
    Path staticDir;

    @Option(names = "--demo", negatable = true,
            description = "Start the demo echo (127.0.0.1:65101) and chat (127.0.0.1:65102) backends. "
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

    @Option(names = "--retransmit-bound", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Unacknowledged bytes per session before backends stop being read (default 256k).")
    Integer retransmitBound;

    @Option(names = "--stream-budget", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes after which a streaming response is recycled (default 1m).")
    Integer streamBudget;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Converters.Time.class, description = "Default 25s.")
    Duration heartbeat;

    @Option(names = "--session-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "A session with no transport attached this long expires (default 30s).")
    Duration sessionTimeout;

    @Option(names = "--poll-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "How long a long-poll is held (default 25s).")
    Duration pollTimeout;

    @Option(names = "--no-bind-client-address", description = "Let a session be used from another client address (mobile clients behind changing NAT).")
    boolean unboundClientAddress;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "On SIGTERM, how long open channels may finish (default 30s).")
    Duration drainTimeout = Duration.ofSeconds(30);

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace (default info).")
    String logLevel = "info";

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json (JSON lines) (default text).")
    String logFormat = "text";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String logProblem = Logging.configure(logLevel, logFormat);
        if (logProblem != null) {
            err.println("cometgate serve: " + logProblem);
            return ExitCodes.USAGE;
        }
        GatewayConfig config;
        try {
            config = config();
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
                files = StaticFiles.open(staticDir);
            } catch (IllegalArgumentException e) {
                err.println("cometgate serve: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        PolicyDecider decider;
        try {
            decider = PolicyDecider.load(policy != null ? policy : bundledPolicy());
        } catch (PolicyException e) {
            e.problems().forEach(p -> err.println(p.render()));
            err.println("cometgate serve: the policy has errors; check it with 'cometgate policy check FILE'");
            return ExitCodes.USAGE;
        }
        for (Problem warning : decider.warnings()) {
            org.slf4j.LoggerFactory.getLogger("cometgate.policy").warn("{}", warning.render());
        }
        ReloadingServerTls tls;
        try {
            tls = serverTls();
        } catch (TlsConfigException | IllegalArgumentException e) {
            err.println("cometgate serve: " + e.getMessage());
            decider.close();
            return ExitCodes.USAGE;
        }
        EventLoops loops = EventLoops.create(threads);
        DemoBackends demoBackends = new DemoBackends();
        ForwardedFor forwarded = new ForwardedFor(decider::isTrustedProxy, ForwardedFor.Source.EITHER);
        GatewayServer server = GatewayAssembly.server(config, decider, new LoggingChannelAudit(), loops, forwarded::clientAddress);
        if (files != null) {
            server.serveStaticFiles(files);
        }
        if (proxySources != null) {
            server.acceptProxyProtocolFrom(proxySources);
        }
        try {
            if (demo != null ? demo : policy == null) {
                demoBackends.start(loops);
            }
            List<InetSocketAddress> bound = server.start();
            List<InetSocketAddress> secure = tls == null ? List.of() : server.startTls(tlsListen, tls);
            InetSocketAddress admin = adminListen == null ? null : server.startAdmin(adminListen);
            decider.addReloadListener(() -> {
                if (decider.closeDisallowedOnReload()) {
                    server.context().registry().forEachOnLoop(session -> session.closeChannelsNoLongerAllowed(decider::stillAllowed));
                }
            });
            decider.watch();
            for (InetSocketAddress address : bound) {
                out.println("cometgate is listening on http://" + hostPort(address) + "/");
            }
            for (InetSocketAddress address : secure) {
                out.println("cometgate is listening on https://" + hostPort(address) + "/");
            }
            if (admin != null) {
                out.println("cometgate admin is listening on http://" + hostPort(admin) + "/metrics");
            }
            out.flush();
        } catch (Exception e) {
            server.close();
            demoBackends.close();
            loops.shutdown();
            decider.close();
            if (tls != null) {
                tls.close();
            }
            err.println("cometgate serve: cannot start: " + describe(e));
            return ExitCodes.RUNTIME;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.install(decider::reload, () -> {
            try {
                server.drain(drainTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server.close();
                demoBackends.close();
                decider.close();
                if (tls != null) {
                    tls.close();
                }
                loops.shutdown();
                stopped.countDown();
            }
        });
        stopped.await();
        return ExitCodes.OK;
    }

    /** The TLS listeners' certificate source, or {@code null} when there are none. */
    private ReloadingServerTls serverTls() throws TlsConfigException {
        boolean haveFiles = tlsCert != null || tlsKey != null;
        if (tlsListen == null || tlsListen.isEmpty()) {
            if (haveFiles || tlsSelfSigned != null || tlsClientCa != null) {
                throw new IllegalArgumentException("--tls-cert/--tls-key/--tls-self-signed/--tls-client-ca need at least one --tls-listen");
            }
            return null;
        }
        if (haveFiles == (tlsSelfSigned != null) || haveFiles && (tlsCert == null || tlsKey == null)) {
            throw new IllegalArgumentException("--tls-listen needs either both --tls-cert and --tls-key, or --tls-self-signed DIR");
        }
        ServerTlsContexts.restrictNamedGroups();
        ClientCertificates clients = clientCertificates();
        if (tlsSelfSigned != null) {
            Path cert = tlsSelfSigned.resolve(SelfSigned.CERT_FILE);
            Path key = tlsSelfSigned.resolve(SelfSigned.KEY_FILE);
            if (!Files.exists(cert) || !Files.exists(key)) {
                SelfSigned.writeTo(tlsSelfSigned, hostnames, SelfSigned.DEFAULT_VALIDITY, false);
                spec.commandLine().getOut().println("cometgate: wrote a self-signed certificate to " + cert
                        + " (trust it in your browser or pass it to curl --cacert)");
            }
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn(
                    "TLS with a self-signed certificate from {}: for development only", tlsSelfSigned);
            return ReloadingServerTls.start(cert, key, clients);
        }
        return ReloadingServerTls.start(tlsCert, tlsKey, clients);
    }

    /** {@code --tls-client-ca}/{@code --tls-client-auth}, or {@code null} without a client CA. */
    private ClientCertificates clientCertificates() throws TlsConfigException {
        if (!tlsClientAuth.equals("required") && !tlsClientAuth.equals("optional")) {
            throw new IllegalArgumentException("--tls-client-auth must be required or optional (got '" + tlsClientAuth + "')");
        }
        return tlsClientCa == null ? null : ClientCertificates.load(tlsClientCa, tlsClientAuth.equals("required"));
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

    /** The demo policy ships inside the jar; the policy engine reads files, so it gets a private copy. */
    private static Path bundledPolicy() throws IOException {
        Path copy = Files.createTempFile("cometgate-default-", ".policy");
        copy.toFile().deleteOnExit();
        try (InputStream in = ServeCommand.class.getClassLoader().getResourceAsStream("policy/default.policy")) {
            if (in == null) {
                throw new IOException("the bundled policy is missing from the jar");
            }
            Files.write(copy, in.readAllBytes());
        }
        return copy;
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String describe(Throwable e) {
        if (e instanceof BindException || e.getCause() instanceof BindException) {
            return "address already in use or not available (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
