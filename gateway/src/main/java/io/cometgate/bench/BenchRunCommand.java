package io.cometgate.bench;

import io.cometgate.flags.Converters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code cometgate bench run}: starts (or is pointed at) the backend, the bare relay and the
 * gateway, runs the chosen scenarios over every route with the routes interleaved inside each
 * repeat, and prints medians (table on stdout, JSON with {@code --json}). Progress goes to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs benchmark scenarios S0-S8 (docs/BENCHMARKS.md) against direct TCP, a bare relay and the gateway.",
                "Without --backend/--relay/--via-gateway it starts each in its own JVM on a free 127.0.0.1 port "
                        + "and stops them by PID at the end. Loopback only; every run is bounded."})
public final class BenchRunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenarios", split = ",", paramLabel = "LIST",
            description = "S0..S8 (default S0,S2,S3,S4,S7; S0 = the direct and relay rows of S2-S4; S8 = hostile neighbours).")
    List<String> scenarios = List.of("S0", "S2", "S3", "S4", "S7");

    @Option(names = "--transports", split = ",", paramLabel = "LIST",
            description = "Gateway transports (default websocket,xhr-streaming,xhr-streaming-binary,eventsource,htmlfile,xhr-polling,"
                    + "xhr-polling-binary; the -binary routes ask for binary=1 bodies; 'none' for no gateway).")
    List<String> transports = Route.TRANSPORTS;

    @Option(names = "--backend", converter = LoopbackAddress.class, paramLabel = "HOST:PORT", description = "A running bench backend (default: start one).")
    InetSocketAddress backend;

    @Option(names = "--relay", converter = LoopbackAddress.class, paramLabel = "HOST:PORT", description = "A running bare relay (default: start one).")
    InetSocketAddress relay;

    @Option(names = "--relay-pid", description = "The --relay process's PID, so S2 reports its CPU per MB.")
    Long relayPidOption;

    @Option(names = "--backend-pid", description = "The --backend process's PID, so S2 reports its CPU per MB.")
    Long backendPidOption;

    @Option(names = "--no-relay", description = "Leave the bare relay out.")
    boolean noRelay;

    @Option(names = "--via-gateway", paramLabel = "URL", description = "A running gateway, e.g. http://127.0.0.1:65080/cometgate (default: start one).")
    URI gateway;

    @Option(names = "--gateway-pid", paramLabel = "PID", description = "PID of the --via-gateway process (for heap, RSS, files, CPU).")
    Long gatewayPid;

    @Option(names = "--gateway-target", paramLabel = "HOST:PORT", description = "What the gateway is asked to open (default: the backend address).")
    String gatewayTarget;

    @Option(names = "--raw-websocket", paramLabel = "[NAME=]URL",
            description = "Also drive a raw binary WebSocket bridge (websockify) at URL (repeatable; NAME labels the route, default raw-websocket).")
    List<String> rawWebSockets = new ArrayList<>();

    @Option(names = "--raw-websocket-pid", paramLabel = "[NAME=]PID",
            description = "PID of a raw WebSocket bridge, for S1 (its children are counted too; NAME as in --raw-websocket).")
    List<String> rawPids = new ArrayList<>();

    @Option(names = "--repeat", converter = Converters.Positive.class, description = "Repeats; medians are reported (default ${DEFAULT-VALUE}).")
    int repeat = 3;

    @Option(names = "--duration", converter = Converters.Positive.class, paramLabel = "SECONDS", description = "Measuring time of S2/S3/S4 per route (default ${DEFAULT-VALUE}).")
    int duration = 5;

    @Option(names = "--s3-rate", converter = Converters.Positive.class, paramLabel = "MSG/S", description = "S3 open-loop send rate (default ${DEFAULT-VALUE}).")
    int s3Rate = 1000;

    @Option(names = "--s4-sessions", converter = Converters.Positive.class, split = ",", description = "S4 session counts (default 100,1000).")
    List<Integer> s4Sessions = List.of(100, 1000);

    @Option(names = "--s1-sessions", converter = Converters.Positive.class, split = ",", description = "S1 session counts (default 1000).")
    List<Integer> s1Sessions = List.of(1000);

    @Option(names = "--idle-seconds", converter = Converters.Positive.class, description = "S1 idle CPU window (default ${DEFAULT-VALUE}).")
    int idleSeconds = 10;

    @Option(names = "--s5-sessions", converter = Converters.Positive.class, description = "S5 sessions (default ${DEFAULT-VALUE}).")
    int s5Sessions = 1000;

    @Option(names = "--s5-seconds", converter = Converters.Positive.class, description = "S5 ticks per session, one per second (default ${DEFAULT-VALUE}).")
    int s5Seconds = 20;

    @Option(names = "--s6-steady", converter = Converters.Positive.class, description = "S6 steady sessions (default ${DEFAULT-VALUE}).")
    int s6Steady = 200;

    @Option(names = "--s6-rate", converter = Converters.Positive.class, description = "S6 new sessions per second (default ${DEFAULT-VALUE}).")
    int s6Rate = 50;

    @Option(names = "--s6-seconds", converter = Converters.Positive.class, description = "S6 churn time (default ${DEFAULT-VALUE}).")
    int s6Seconds = 10;

    @Option(names = "--gateway-admin", converter = LoopbackAddress.class, paramLabel = "HOST:PORT",
            description = "The --via-gateway process's --admin-listen address (S8 reads its memory there).")
    InetSocketAddress gatewayAdminOption;

    @Option(names = "--s8-attackers", converter = Converters.Positive.class, description = "S8 attackers per kind (default ${DEFAULT-VALUE}).")
    int s8Attackers = 100;

    @Option(names = "--s8-phases", split = ",", paramLabel = "LIST",
            description = "S8 phases to run: alone, pipeliner, uploader, ws-downloader, xhr-downloader, slowloris, ws-trickle, "
                    + "malformed, all (default: every phase).")
    List<String> s8Phases = List.of();

    @Option(names = "--s7-messages", converter = Converters.Positive.class, description = "S7 messages (default ${DEFAULT-VALUE}).")
    int s7Messages = 200;

    @Option(names = "--sources", converter = Converters.Positive.class, description = "Loopback source addresses 127.0.0.2.. to spread client sockets over (default ${DEFAULT-VALUE}).")
    int sources = 16;

    @Option(names = "--threads", converter = Converters.Threads.class, description = "Client event-loop threads (default ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--gateway-jvm", paramLabel = "OPTION", description = "Extra JVM option for a started gateway (repeatable), e.g. -XX:StartFlightRecording=...")
    List<String> gatewayJvm = new ArrayList<>();

    @Option(names = "--gateway-arg", paramLabel = "FLAG", description = "Extra `serve` flag for a started gateway (repeatable), e.g. --gateway-arg=--window=1m.")
    List<String> gatewayArgs = new ArrayList<>();

    @Option(names = "--gateway-threads", converter = Converters.Threads.class, description = "Event-loop threads of a started gateway (default: its own default).")
    Integer gatewayThreads;

    @Option(names = "--warmup-ms", converter = Converters.NonNegative.class, description = "Warm-up and settling pauses (default ${DEFAULT-VALUE}).")
    int warmupMs = 1000;

    @Option(names = "--route-warmup-s", converter = Converters.NonNegative.class,
            description = "S2 and S4: before the first repeat, each route runs at least this long unrecorded, then on until its rate stops rising (no one-second rate 5%% above the best before it for 4 s), so every route's code (client and server) is compiled before it is measured, not only the first route's (default ${DEFAULT-VALUE}; 0: none).")
    int routeWarmupSeconds = 2;

    @Option(names = "--route-warmup-max-s", converter = Converters.NonNegative.class,
            description = "The longest a route's warm-up runs waiting for a steady rate (default ${DEFAULT-VALUE}; at most --route-warmup-s: a fixed warm-up).")
    int routeWarmupMaxSeconds = 30;

    @Option(names = "--s5-phasing",
            description = "S5, once every session is open: spread (session i of n starts ticking at i/n of a second: n messages a second, evenly) or broadcast (all at once: a burst of n every second). Default ${DEFAULT-VALUE}.")
    FanOut.Phasing s5Phasing = FanOut.Phasing.SPREAD;

    @Option(names = "--s5-interval-ms", converter = Converters.Positive.class,
            description = "S5: milliseconds between one session's ticks (default ${DEFAULT-VALUE}, the specified 1 msg/s); lower it to find the largest aggregate rate (sessions x 1000 / interval) a setup carries.")
    int s5IntervalMs = 1000;

    @Option(names = "--cpu-pid", paramLabel = "NAME=PID",
            description = "S5: another process on the gateway's path (haproxy, backend; repeatable) whose CPU per delivered tick is reported as NAME_cpu_us_per_tick and added to path_cpu_us_per_tick.")
    List<String> cpuPids = new ArrayList<>();

    @Option(names = "--s5-ask-on-open",
            description = "S5 as before session 4: each session asks for its ticks as soon as it is open, so ticks overlap the ramp (default: all at once, once every session is open).")
    boolean s5AskOnOpen;

    @Option(names = "--ack-delay-ms", converter = Converters.Positive.class,
            description = "How long the client lets a lone ACK wait for more frames to cover (default ${DEFAULT-VALUE}, as js-client).")
    int ackDelayMs = 200;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every row and the medians as JSON.")
    Path json;

    /** The started gateway's admin listener (S8 only), and its PID. */
    private InetSocketAddress gatewayAdmin;
    private Long startedGatewayPid;
    /** Started processes whose CPU S2 reads: the backend's PID, and the relay's by route name. */
    private Long backendPid;
    private final Map<String, Probe> serverProbes = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        Set<String> chosen = Set.copyOf(scenarios.stream().map(s -> s.trim().toUpperCase()).toList());
        for (String s : chosen) {
            if (!s.matches("S[0-8]")) {
                progress.println("cometgate bench run: unknown scenario '" + s + "' (use S0..S8)");
                return 2;
            }
        }
        List<String> wanted = transports.contains("none") ? List.of() : transports;
        for (String t : wanted) {
            if (!Route.TRANSPORTS.contains(t)) {
                progress.println("cometgate bench run: unknown transport '" + t + "' (use " + String.join(",", Route.TRANSPORTS) + " or none)");
                return 2;
            }
        }
        if (gateway != null && (gateway.getHost() == null || !"http".equals(gateway.getScheme()))) {
            progress.println("cometgate bench run: --via-gateway must look like http://127.0.0.1:65080/cometgate");
            return 2;
        }
        Results results = new Results();
        machine(results);
        Loops loops = Loops.create(threads);
        try (Spawner spawner = new Spawner(List.of("-Xss512k"), progress)) {
            InetSocketAddress backendAddress = backend;
            if (backendAddress == null) {
                backendAddress = freeLoopbackPort();
                backendPid = spawner.start("backend", backendAddress, List.of(), "bench", "backend", "--listen", hostPort(backendAddress)).pid();
            }
            InetSocketAddress relayAddress = relay;
            if (relayAddress == null && !noRelay && (chosen.contains("S0"))) {
                relayAddress = freeLoopbackPort();
                long relayPid = spawner.start("relay", relayAddress, List.of(), "bench", "relay", "--listen", hostPort(relayAddress),
                        "--target", hostPort(backendAddress)).pid();
                serverProbes.put("relay", new Probe(relayPid));
            }
            URI gatewayUri = gateway;
            Long gwPid = gatewayPid;
            if (gatewayUri == null && !wanted.isEmpty()) {
                Path policy = spawner.logDir().resolve("bench.policy");
                InetSocketAddress gatewayAddress = freeLoopbackPort();
                Files.writeString(policy, policy(backendAddress, gatewayAddress));
                List<String> args = new ArrayList<>(List.of("serve", "--listen", hostPort(gatewayAddress), "--policy", policy.toString(),
                        "--transports", "all", "--no-demo", "--log-level", "warn"));
                if (gatewayThreads != null) {
                    args.addAll(List.of("--threads", gatewayThreads.toString()));
                }
                if (chosen.contains("S8")) { // S8 samples the gateway's memory from its /metrics
                    gatewayAdmin = freeLoopbackPort();
                    args.addAll(List.of("--admin-listen", hostPort(gatewayAdmin)));
                }
                args.addAll(gatewayArgs);
                Process p = spawner.start("gateway", gatewayAddress, gatewayJvm, args.toArray(String[]::new));
                gatewayUri = URI.create("http://" + hostPort(gatewayAddress) + "/cometgate");
                gwPid = p.pid();
                startedGatewayPid = gwPid;
            }
            ClientContext context = new ClientContext(loops, sources,
                    gatewayTarget != null ? gatewayTarget : hostPort(backendAddress), true, ackDelayMs);
            List<Route> baselines = new ArrayList<>(List.of(Route.direct(backendAddress)));
            if (relayAddress != null) {
                baselines.add(Route.relay(relayAddress));
            }
            List<Route> measured = new ArrayList<>();
            Map<String, Probe> probes = new LinkedHashMap<>();
            for (String t : wanted) {
                measured.add(Route.gateway(gatewayUri, t));
                if (gwPid != null) {
                    probes.put(t, new Probe(gwPid));
                }
            }
            Map<String, String> pidsByName = named(rawPids);
            for (Map.Entry<String, String> raw : named(rawWebSockets).entrySet()) {
                measured.add(Route.rawWebSocket(raw.getKey(), URI.create(raw.getValue())));
                if (pidsByName.containsKey(raw.getKey())) {
                    probes.put(raw.getKey(), new Probe(Long.parseLong(pidsByName.get(raw.getKey()))));
                }
            }
            run(chosen, context, baselines, measured, probes, results, progress);
            results.printTable(out);
            if (json != null) {
                results.writeJson(json);
                out.println("JSON written to " + json);
            }
            out.flush();
        } finally {
            loops.shutdown();
        }
        return 0;
    }

    private void run(Set<String> chosen, ClientContext context, List<Route> baselines, List<Route> measured,
                     Map<String, Probe> probes, Results results, PrintWriter progress) throws Exception {
        Map<String, Probe> servers = new LinkedHashMap<>(serverProbes);
        if (relayPidOption != null) {
            servers.put("relay", new Probe(relayPidOption));
        }
        if (backendPid == null) {
            backendPid = backendPidOption;
        }
        servers.putAll(probes);
        Scenarios fast = new Scenarios(context, new Scenarios.Options(duration, s3Rate, s4Sessions, s7Messages, warmupMs, 0), results, progress,
                new Scenarios.CpuProbes(servers, backendPid == null ? null : new Probe(backendPid)));
        Capacity capacity = new Capacity(context, new Capacity.Options(s1Sessions, idleSeconds,
                s6Steady, s6Rate, s6Seconds, warmupMs), results, progress);
        FanOut fanOut = new FanOut(context.withPostKeepAlive(false), results, progress, warmupMs, s5Phasing, s5AskOnOpen,
                s5IntervalMs, onPathProbes());
        List<Route> all = Scenarios.withBaselines(baselines, measured);
        boolean baselinesOnly = chosen.contains("S0");
        List<Route> s2Routes = chosen.contains("S2") ? all : baselines;
        if (routeWarmupSeconds > 0) {
            Scenarios warm = fast.warmUp(routeWarmupSeconds, routeWarmupMaxSeconds);
            if (chosen.contains("S2") || baselinesOnly) {
                for (Route route : s2Routes) {
                    warm.bulk(route, 0);
                }
            }
            if (chosen.contains("S4")) {
                for (Route route : all) {
                    warm.rate(route, s4Sessions.get(0), 0);
                }
            }
        }
        for (int r = 1; r <= repeat; r++) {
            // Each repeat starts one route later, so no route always runs first (cold) or right after the same neighbour.
            if (chosen.contains("S2") || baselinesOnly) {
                for (Route route : rotated(s2Routes, r)) {
                    fast.bulk(route, r);
                }
            }
            if (chosen.contains("S3") || baselinesOnly) {
                for (Route route : rotated(chosen.contains("S3") ? all : baselines, r)) {
                    fast.latency(route, r);
                }
            }
            if (chosen.contains("S4")) {
                for (int n : s4Sessions) {
                    for (Route route : rotated(all, r)) {
                        fast.rate(route, n, r);
                    }
                }
            }
            if (chosen.contains("S7")) {
                for (Route route : measured) {
                    fast.wire(route, r);
                }
            }
            if (chosen.contains("S8")) {
                Route canary = measured.stream().filter(m -> m.name().equals("websocket")).findFirst().orElse(null);
                if (canary == null) {
                    progress.println("bench: S8 needs the websocket transport; skipped");
                } else {
                    new HostileNeighbours(fast, results, progress, gatewayAdmin != null ? gatewayAdmin : gatewayAdminOption,
                            startedGatewayPid != null ? startedGatewayPid : gatewayPid, s8Attackers, 2 * warmupMs)
                            .run(s8Phases, canary, context.gatewayTarget, r);
                }
            }
            if (chosen.contains("S1")) {
                for (int n : s1Sessions) {
                    for (Route route : measured) {
                        Probe probe = probes.get(route.name());
                        if (probe != null) {
                            capacity.idle(route, probe, n, r);
                        }
                    }
                }
            }
            if (chosen.contains("S5")) {
                for (Route route : Scenarios.withBaselines(List.of(baselines.get(0)), measured)) {
                    fanOut.run(route, probes.get(route.name()), s5Sessions, s5Seconds, r);
                }
            }
            if (chosen.contains("S6")) {
                for (Route route : measured) {
                    Probe probe = probes.get(route.name());
                    if (probe != null) {
                        capacity.churn(route, probe, r);
                    }
                }
            }
        }
        Derived.addRatios(results);
    }

    /** The routes starting at the (repeat - 1)th, wrapping round. */
    static List<Route> rotated(List<Route> routes, int repeat) {
        List<Route> out = new ArrayList<>(routes);
        java.util.Collections.rotate(out, -((repeat - 1) % Math.max(1, routes.size())));
        return out;
    }

    /**
     * A loopback port nobody listens on now. Fixed ports clashed when two benches ran at once on
     * a shared machine: the second one's client then measured the first one's gateway.
     */
    static InetSocketAddress freeLoopbackPort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", probe.getLocalPort());
        }
    }

    static String policy(InetSocketAddress backend, InetSocketAddress gateway) {
        return String.join("\n",
                "cometgate-policy 1",
                "# written by cometgate bench run: loopback only",
                "host " + hostPort(gateway),
                "origin none http://" + hostPort(gateway), // none: the bench's requests; the address: htmlfile's (Route.origin)
                "allow " + hostPort(backend) + " allow-loopback",
                "limit max-sessions 20000",
                "limit max-sessions-per-ip 20000",
                "limit max-sessions-per-origin 20000",
                "limit opens-per-ip-per-minute 999999",
                "limit max-connections-per-target 20000",
                "");
    }

    static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static void machine(Results results) {
        results.machine("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        results.machine("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.machine("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        try {
            results.machine("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        } catch (IOException | RuntimeException e) {
            results.machine("memory", "unknown");
        }
    }

    private Map<String, Probe> onPathProbes() {
        Map<String, Probe> out = new LinkedHashMap<>();
        for (String entry : cpuPids) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || !entry.substring(eq + 1).matches("[0-9]+")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cpu-pid wants NAME=PID, got '" + entry + "'");
            }
            out.put(entry.substring(0, eq), new Probe(Long.parseLong(entry.substring(eq + 1))));
        }
        return out;
    }

    /** {@code NAME=VALUE} or a bare {@code VALUE} (named raw-websocket), in the order given. */
    private static Map<String, String> named(List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            boolean hasName = eq > 0 && !v.substring(0, eq).contains(":");
            out.put(hasName ? v.substring(0, eq) : "raw-websocket", hasName ? v.substring(eq + 1) : v);
        }
        return out;
    }
}
