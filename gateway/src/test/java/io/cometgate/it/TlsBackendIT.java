package io.cometgate.it;

import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import io.cometgate.tls.DevCa;
import io.cometgate.tls.ServerTlsContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS from the gateway process to a backend: a Netty TLS echo server on 127.0.0.1 with a
 * development-CA certificate for {@code backend.test}. The policy aliases point at the same
 * address with different expectations: the right name and CA echo data (and send SNI), a
 * wrong name or an untrusted CA close the channel with 4013 (backend-tls).
 */
class TlsBackendIT {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HOST = "gw.test";
    private static final String ORIGIN = "http://gw.test";

    @TempDir
    static Path dir;

    private static EchoBackend backend;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        DevCa ca = DevCa.generate("backend CA", Duration.ofDays(30));
        ca.writeTo(dir.resolve("ca"), false);
        backend = EchoBackend.builder().tls(ServerTlsContexts.forKey(ca.issue(List.of("backend.test"), Duration.ofDays(7)))).start();
        String target = backend.target();
        Path policy = PolicyFile.write(dir.resolve("backend-tls.policy"), HOST, ORIGIN,
                "alias secure " + target + " tls ca=ca/ca.pem server-name=backend.test allow-loopback",
                "alias wrongname " + target + " tls ca=ca/ca.pem server-name=other.test allow-loopback",
                "alias untrusted " + target + " tls server-name=backend.test allow-loopback");
        gateway = GatewayProcess.withPolicy(policy);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aBackendWithTheRightNameSignedByTheConfiguredCaEchoesAndSeesSni() throws Exception {
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            client.open(1, "secure");
            WsClient.Frame opened = client.await(f -> f.channel() == 1, BOUND);
            assertEquals(WsClient.OPENED, opened.type(), () -> opened.closeCode() + " " + opened.closeReason());
            assertEquals("backend.test", backend.nextSniName());
            byte[] sent = "over TLS to the backend".getBytes(StandardCharsets.UTF_8);
            client.send(1, sent);
            assertArrayEquals(sent, client.readData(1, sent.length, BOUND));
        }
    }

    @Test
    void aBackendCertificateForAnotherNameClosesTheChannelWith4013() throws Exception {
        assertBackendTlsRefused("wrongname");
    }

    @Test
    void aBackendCertificateFromAnUntrustedCaClosesTheChannelWith4013() throws Exception {
        assertBackendTlsRefused("untrusted");
    }

    private static void assertBackendTlsRefused(String alias) throws Exception {
        try (WsClient client = WsClient.connect(gateway.http(), HOST, ORIGIN)) {
            client.open(1, alias);
            WsClient.Frame close = client.await(f -> f.channel() == 1, BOUND);
            assertEquals(WsClient.CLOSE, close.type(), "no OPENED for a backend that fails verification");
            assertEquals(4013, close.closeCode(), close.closeReason());
            assertTrue(close.closeReason().startsWith("backend-tls"), close.closeReason());
        }
    }
}
