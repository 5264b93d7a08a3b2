package io.cometgate.testing.process;

import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gateway JVMs gw-1 .. gw-N on loopback behind one balancer, all with the same policy: the
 * balancer's Host, one Origin, the balancer trusted for X-Forwarded-For, an {@code echo} alias.
 * Each node keeps its port across restarts, as the balancer's config names it.
 */
public final class GatewayNodes implements AutoCloseable {

    public static final String HOST = "gw.test";
    public static final String ORIGIN = "http://app.test";

    private final Path policy;
    private final String host;
    private final List<String> rules;
    private final List<String> extraArgs;
    private final GatewayProcess[] nodes;
    private final int[] ports;

    public GatewayNodes(int count, Path dir, int balancerPort, String echoTarget, List<String> extraArgs)
            throws IOException, InterruptedException {
        this.policy = dir.resolve("cluster.policy");
        this.rules = List.of("trusted-proxy 127.0.0.1/32", "alias echo " + echoTarget + " allow-loopback",
                "limit opens-per-ip-per-minute 10000");
        this.host = HOST + " 127.0.0.1:" + balancerPort;
        writePolicy(1000, 1000);
        this.extraArgs = extraArgs;
        this.nodes = new GatewayProcess[count];
        this.ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                nodes[i] = startNode(i, 0);
                ports[i] = nodes[i].http().getPort();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static String nodeId(int index) {
        return "gw-" + (index + 1);
    }

    private GatewayProcess startNode(int index, int port) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port, "--policy", policy.toString(),
                "--node-id", nodeId(index), "--transports", "all", "--threads", "1", "--drain-timeout", "4s"));
        args.addAll(extraArgs);
        return GatewayProcess.start(args.toArray(String[]::new));
    }

    /** Rewrites every node's policy file with these session caps; the nodes reload it within about a second. */
    public void writePolicy(int perIp, int perOrigin) throws IOException {
        List<String> all = new ArrayList<>(rules);
        all.add("limit max-sessions-per-ip " + perIp);
        all.add("limit max-sessions-per-origin " + perOrigin);
        PolicyFile.write(policy, host, ORIGIN, all.toArray(String[]::new));
    }

    /** Waits until every node enforces the policy file as it is now (the hash in its cometgate_node_info). */
    public void awaitPolicyLoaded(Duration bound) throws Exception {
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(policy)));
        long end = System.nanoTime() + bound.toNanos();
        for (int i = 0; i < nodes.length; i++) {
            while (!nodeInfo(i).contains("policy_sha256=\"" + want + "\"")) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(nodeId(i) + " never reloaded the policy: " + nodeInfo(i));
                }
                Thread.sleep(100);
            }
        }
    }

    public int count() {
        return nodes.length;
    }

    public int port(int index) {
        return ports[index];
    }

    public GatewayProcess node(int index) {
        return nodes[index];
    }

    /** Starts node {@code index} again on its old port (after a kill or a drain). */
    public void restart(int index) throws IOException, InterruptedException {
        nodes[index].close();
        nodes[index] = startNode(index, ports[index]);
    }

    public int readyz(int index) throws IOException {
        return PlainHttp.get(new InetSocketAddress("127.0.0.1", ports[index]), "/readyz", HOST).status();
    }

    /** One counter or gauge (no labels) from the node's /metrics. */
    public long metric(int index, String name) throws IOException {
        String text = PlainHttp.get(new InetSocketAddress("127.0.0.1", ports[index]), "/metrics", HOST).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " missing from " + nodeId(index) + "'s metrics:\n" + text);
        }
        return Long.parseLong(m.group(1));
    }

    /** The node's {@code cometgate_node_info} line: its node id and policy hash. */
    public String nodeInfo(int index) throws IOException {
        String text = PlainHttp.get(new InetSocketAddress("127.0.0.1", ports[index]), "/metrics", HOST).body();
        Matcher m = Pattern.compile("(?m)^cometgate_node_info\\{.*$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("cometgate_node_info missing from " + nodeId(index) + "'s metrics");
        }
        return m.group();
    }

    /** Waits until the node answers /readyz with {@code status}. */
    public void awaitReadyz(int index, int status, Duration bound) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        while (true) {
            int seen;
            try {
                seen = readyz(index);
            } catch (IOException e) {
                seen = -1;
            }
            if (seen == status) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(nodeId(index) + " /readyz is " + seen + ", expected " + status);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (GatewayProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }
}
