package io.cometgate.tls;

import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real TLS handshakes against the gateway process's HTTPS listener, with a certificate from a
 * development CA: what a browser trusting that CA sees, what a client expecting another name
 * sees, an expired certificate, and a certificate replaced on disk while the gateway runs.
 */
class TlsListenerIT {

    private static final List<String> NAMES = List.of("gateway.test", "127.0.0.1");
    private static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    private static DevCa ca;
    private static SSLContext trustingCa;
    private static PemPair files;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        ca = DevCa.generate("integration-test CA", Duration.ofDays(30));
        trustingCa = trusting(ca.certificate());
        files = PemPair.in(dir.resolve("live"), "cert.pem", "key.pem").write(ca.issue(NAMES, Duration.ofDays(7)), true);
        gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", files.certFile().toString(), "--tls-key", files.keyFile().toString(),
                "--policy", policy(dir).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    static Path policy(Path dir) throws IOException {
        return PolicyFile.write(dir.resolve("tls.policy"), "gw.test", "https://gw.test");
    }

    static SSLContext trusting(X509Certificate caCert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A handshake as a client that connects to 127.0.0.1 but expects {@code name} (SNI and name check). */
    static X509Certificate handshake(SSLContext client, InetSocketAddress address, String name) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(address, 5_000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, name, address.getPort(), false)) {
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // what browsers and HTTP clients do
                tls.setSSLParameters(params);
                tls.startHandshake();
                return (X509Certificate) tls.getSession().getPeerCertificates()[0];
            }
        }
    }

    static HttpResponse<String> httpsGet(SSLContext client, InetSocketAddress address, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(client).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anHttpsClientTrustingTheCaGetsHealthz() throws Exception {
        HttpResponse<String> r = httpsGet(trustingCa, gateway.https(), "/healthz");
        assertEquals(200, r.statusCode());
        assertEquals("ok\n", r.body());
        assertTrue(r.sslSession().isPresent());
        String protocol = r.sslSession().get().getProtocol();
        assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
    }

    @Test
    void aClientExpectingTheCertificatesNameConnectsAndOneExpectingAnotherNameRefuses() throws Exception {
        X509Certificate served = handshake(trustingCa, gateway.https(), "gateway.test");
        assertEquals(ca.certificate().getSubjectX500Principal(), served.getIssuerX500Principal());
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                () -> handshake(trustingCa, gateway.https(), "other.test"));
        assertTrue(String.valueOf(e.getMessage()).contains("other.test"), e::getMessage);
    }

    @Test
    void aClientThatDoesNotTrustTheCaRefusesAndTheGatewayCountsIt() throws Exception {
        SSLContext jvmDefaults = SSLContext.getInstance("TLS");
        jvmDefaults.init(null, null, null);
        assertThrows(SSLHandshakeException.class, () -> handshake(jvmDefaults, gateway.https(), "gateway.test"));
        String metrics = PlainHttp.get(gateway.http(), "/metrics", "gw.test").body();
        assertTrue(metrics.matches("(?s).*\ncometgate_tls_handshake_failures_total [1-9]\\d*\\.0\n.*"), metrics);
        assertTrue(!gateway.output().contains("unexpected error"), gateway::output);
    }

    @Test
    void replacingTheCertificateAndKeyFilesServesTheNewCertificateWithoutARestart() throws Exception {
        X509Certificate before = handshake(trustingCa, gateway.https(), "gateway.test");
        CertifiedKey renewed = ca.issue(NAMES, Duration.ofDays(60));
        assertNotEquals(before.getSerialNumber(), renewed.leaf().getSerialNumber());
        files.write(renewed, true); // key first, then certificate, each renamed into place (as certbot does)
        long end = System.nanoTime() + BOUND.toNanos();
        X509Certificate now = before;
        while (!now.equals(renewed.leaf()) && System.nanoTime() < end) {
            Thread.sleep(200);
            now = handshake(trustingCa, gateway.https(), "gateway.test");
        }
        assertEquals(renewed.leaf(), now, "new connections get the replaced certificate");
        assertEquals(200, httpsGet(trustingCa, gateway.https(), "/healthz").statusCode());
        assertEquals(null, gateway.awaitExit(Duration.ZERO), "the gateway kept running");
    }

    @Test
    void anExpiredCertificateOnTheListenerMakesClientsFail() throws Exception {
        Path expiredDir = dir.resolve("expired");
        Instant now = Instant.now();
        PemPair expired = PemPair.in(expiredDir, "cert.pem", "key.pem")
                .write(ca.issue(NAMES, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))), false);
        try (GatewayProcess stale = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", expired.certFile().toString(), "--tls-key", expired.keyFile().toString(),
                "--policy", policy(expiredDir).toString())) {
            assertTrue(stale.output().contains("EXPIRED"), stale::output);
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> handshake(trustingCa, stale.https(), "gateway.test"));
            assertTrue(causedByExpiry(e), e::toString);
            assertThrows(IOException.class, () -> httpsGet(trustingCa, stale.https(), "/healthz"));
        }
    }

    @Test
    void aClientInitiatedRenegotiationIsRefused() throws Exception {
        InetSocketAddress address = gateway.https();
        try (Socket plain = new Socket()) {
            plain.connect(address, 5_000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) trustingCa.getSocketFactory().createSocket(plain, "gateway.test",
                    address.getPort(), false)) {
                tls.setEnabledProtocols(new String[] {"TLSv1.2"}); // TLS 1.3 has no renegotiation at all
                tls.startHandshake();
                IOException refused = assertThrows(IOException.class, () -> {
                    tls.startHandshake(); // on an established TLS 1.2 session: a renegotiation
                    tls.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    String answer = new String(tls.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                    if (!answer.isEmpty()) {
                        throw new AssertionError("the renegotiated connection was served: " + answer.lines().findFirst().orElse(""));
                    }
                    throw new IOException("closed without an answer");
                }, "the gateway accepted a client-initiated renegotiation");
                assertTrue(refused != null);
            }
        }
        assertEquals(200, httpsGet(trustingCa, gateway.https(), "/healthz").statusCode(), "other connections are unaffected");
    }

    private static boolean causedByExpiry(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return true;
            }
        }
        return false;
    }
}
