package io.cometgate.it;

import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import io.cometgate.testing.process.HaproxyProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Inbound PROXY protocol with a real HAProxy in front ({@code send-proxy}, {@code send-proxy-v2}):
 * the client address HAProxy saw becomes the gateway's client (audit log), a PROXY header from an
 * untrusted source is refused, and so is a trusted source that sends none.
 */
class ProxyProtocolIT {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";
    /** The browser's address as HAProxy sees it: neither the balancer (127.0.0.2) nor the default 127.0.0.1. */
    private static final String CLIENT = "127.0.0.3";

    @TempDir
    Path dir;

    @Test
    void theBalancersClientAddressIsTheClientAndHeadersAreTrustedOnlyFromTheBalancer() throws Exception {
        requireHaproxy();
        try (EchoBackend echo = new EchoBackend()) {
            Path policy = PolicyFile.write(dir.resolve("gw.policy"), HOST, ORIGIN,
                    "alias echo " + echo.target() + " allow-loopback");
            try (GatewayProcess gateway = GatewayProcess.withPolicy(policy,
                    "--proxy-protocol-from", HaproxyProcess.SOURCE + "/32", "--admin-listen", "127.0.0.1:0")) {
                int decisions = 0;
                for (String version : new String[] {"send-proxy", "send-proxy-v2"}) {
                    try (HaproxyProcess haproxy = HaproxyProcess.start(dir, gateway.http(), version)) {
                        assertClientSeenAs(gateway, haproxy.address(), version, ++decisions);
                    }
                }

                // A client that writes its own PROXY header straight to the gateway is not trusted.
                assertClosedWithoutAnswer(gateway.http(),
                        "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8080\r\nGET /healthz HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                // The same client without a header is served as itself.
                assertEquals(200, PlainHttp.get(gateway.http(), "/healthz", HOST).status());
                // The balancer without send-proxy would make every client look like the balancer: refused.
                try (HaproxyProcess noHeader = HaproxyProcess.start(dir, gateway.http(), "")) {
                    assertClosedWithoutAnswer(noHeader.address(), "GET /healthz HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                }
                String metrics = PlainHttp.get(gateway.admin(), "/metrics", "admin").body();
                assertTrue(metrics.contains("\ncometgate_proxy_protocol_refused_total 2.0\n"), metrics);
            }
        }
    }

    private static void assertClientSeenAs(GatewayProcess gateway, InetSocketAddress haproxy, String version, int decisions)
            throws Exception {
        try (WsClient client = WsClient.connect(haproxy, InetAddress.getByName(CLIENT), WsClient.headers(HOST, ORIGIN))) {
            client.open(1, "echo");
            assertEquals(WsClient.OPENED, client.await(f -> f.channel() == 1, BOUND).type(), version);
            client.send(1, "ping".getBytes(StandardCharsets.UTF_8));
            WsClient.Frame data = client.await(f -> f.type() == WsClient.DATA && f.channel() == 1, BOUND);
            assertEquals("ping", data.text(), version);
        }
        String audited = "verdict=\"ALLOW\" reason=\"allowed: alias\"";
        long end = System.nanoTime() + BOUND.toNanos();
        while (count(gateway.output(), audited) < decisions && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(decisions, count(gateway.output(), audited + " rule=") , gateway.output());
        assertEquals(decisions, count(gateway.output(), "client=\"" + CLIENT + "\" origin="), version + ":\n" + gateway.output());
        assertTrue(!gateway.output().contains("client=\"" + HaproxyProcess.SOURCE + "\""), version + ":\n" + gateway.output());
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    /** The gateway closes the connection and writes nothing, whatever was sent. */
    private static void assertClosedWithoutAnswer(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (java.net.SocketException reset) {
                return; // closed with a reset: refused as well
            }
            assertEquals(-1, first, "expected the connection to be closed without a response");
        }
    }

    private static void requireHaproxy() {
        if (!Files.isExecutable(HaproxyProcess.BINARY)) {
            if ("true".equals(System.getenv("CI"))) {
                fail(HaproxyProcess.BINARY + " is missing: install it (apt-get install haproxy; .ci/run does)");
            }
            Assumptions.abort(HaproxyProcess.BINARY + " is not installed (apt-get install haproxy); CI=true makes this a failure");
        }
    }
}
