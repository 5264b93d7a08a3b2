package io.cometgate.http;

import io.cometgate.cli.GatewayAssembly;
import io.cometgate.client.ClientChannel;
import io.cometgate.client.ClientSession;
import io.cometgate.client.CometClient;
import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.RecordingAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Origin, Host and limit enforcement end to end: the real policy engine loaded from a file,
 * the real gateway on loopback, requests over real sockets.
 */
class PolicyEnforcementIT {

    private static final String ORIGIN = "https://good.test";

    @TempDir
    Path dir;
    private EchoBackend echo;
    private EventLoops loops;
    private GatewayServer server;
    private PolicyDecider decider;
    private int port;

    @BeforeEach
    void start() throws Exception {
        echo = new EchoBackend();
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path policy = dir.resolve("site.policy");
        Files.writeString(policy, String.join("\n",
                "cometgate-policy 1",
                "host 127.0.0.1:" + port,
                "origin " + ORIGIN,
                "limit max-sessions-per-ip 2",
                "limit max-channels-per-session 1",
                "limit opens-per-ip-per-minute 3",
                "allow 127.0.0.1:" + echo.port() + " allow-loopback",
                ""));
        decider = PolicyDecider.load(policy);
        loops = EventLoops.create(2);
        GatewayConfig config = GatewayConfig.defaults()
                .withListen(List.of(new InetSocketAddress("127.0.0.1", port)))
                .withTransports(java.util.EnumSet.allOf(TransportKind.class));
        server = GatewayAssembly.server(config, decider, new RecordingAudit(), loops, ClientAddressResolver.PEER_ONLY);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        loops.shutdown();
        decider.close();
        echo.close();
    }

    /** A raw HTTP/1.1 exchange, so the test controls every header (Host included). */
    private String raw(String method, String path, String host, String origin) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            String request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/cometgate");
    }

    @Test
    void anOriginThePolicyDoesNotListCannotCreateASession() throws Exception {
        String answer = raw("POST", "/cometgate/session", "127.0.0.1:" + port, "https://good.test.evil.example");
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        assertTrue(answer.contains("is not allowed by the policy"), answer);
        assertTrue(raw("POST", "/cometgate/session", "127.0.0.1:" + port, "null").startsWith("HTTP/1.1 403"));
        assertTrue(raw("POST", "/cometgate/session", "127.0.0.1:" + port, null).startsWith("HTTP/1.1 403"),
                "no Origin header is denied unless the policy lists 'none'");
        assertTrue(raw("POST", "/cometgate/session", "127.0.0.1:" + port, ORIGIN).startsWith("HTTP/1.1 200"));
    }

    @Test
    void aForeignHostHeaderIsRefusedEverywhereButHealth() throws Exception {
        String answer = raw("POST", "/cometgate/session", "rebound.evil.example", ORIGIN);
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        assertTrue(answer.contains("is not served here"), answer);
        assertTrue(raw("GET", "/metrics", "rebound.evil.example", null).startsWith("HTTP/1.1 403"));
        assertTrue(raw("GET", "/healthz", "rebound.evil.example", null).startsWith("HTTP/1.1 200"));
    }

    @Test
    void sessionsPerClientAddressAreCapped() throws Exception {
        List<ClientSession> sessions = new ArrayList<>();
        try {
            sessions.add(CometClient.connect(uri(), TransportKind.XHR_POLLING, ORIGIN));
            sessions.add(CometClient.connect(uri(), TransportKind.XHR_POLLING, ORIGIN));
            String third = raw("POST", "/cometgate/session", "127.0.0.1:" + port, ORIGIN);
            assertTrue(third.startsWith("HTTP/1.1 429"), third);
            assertTrue(third.contains("sessions per client address"), third);
        } finally {
            sessions.forEach(ClientSession::close);
        }
    }

    @Test
    void channelsPerSessionAndOpensPerMinuteAreCappedWithCloseCode4009() throws Exception {
        try (ClientSession session = CometClient.connect(uri(), TransportKind.WEBSOCKET, ORIGIN)) {
            ClientChannel first = session.open("127.0.0.1:" + echo.port());
            first.opened().get(5, TimeUnit.SECONDS);
            ClientChannel second = session.open("127.0.0.1:" + echo.port());
            ClientChannel.Closed refused = second.closed().get(5, TimeUnit.SECONDS);
            assertEquals(4009, refused.code());
            assertTrue(refused.reason().contains("channels per session"), refused.reason());
            first.close();
            ClientChannel third = session.open("127.0.0.1:" + echo.port());
            third.opened().get(5, TimeUnit.SECONDS);
            third.close();
            // Opens that reached the policy so far: first, third. The refused second never did.
            ClientChannel fourth = session.open("127.0.0.1:" + echo.port());
            fourth.opened().get(5, TimeUnit.SECONDS);
            fourth.close();
            ClientChannel fifth = session.open("127.0.0.1:" + echo.port());
            ClientChannel.Closed limited = fifth.closed().get(5, TimeUnit.SECONDS);
            assertEquals(4009, limited.code(), "the fourth open this minute is one over the limit of 3");
            assertTrue(limited.reason().contains("opens per minute"), limited.reason());
        }
    }

    @Test
    void aTargetOutsideThePolicyIsDeniedWith4004AndTheRuleEngineReason() throws Exception {
        try (ClientSession session = CometClient.connect(uri(), TransportKind.XHR_STREAMING, ORIGIN)) {
            ClientChannel denied = session.open("169.254.169.254:80");
            ClientChannel.Closed closed = denied.closed().get(5, TimeUnit.SECONDS);
            assertEquals(4004, closed.code());
            assertTrue(closed.reason().startsWith("denied"), closed.reason());
        }
    }
}
