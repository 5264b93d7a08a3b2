package io.cometgate.tls;

import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.PolicyFile;
import io.cometgate.testing.WsClient;
import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the gateway's own listener ({@code --tls-client-ca}), with certificates from the
 * project's {@link DevCa}: a client certificate from the configured CA gets in, none or one from
 * another CA fails the handshake when required, and no certificate is fine when optional. (A
 * JDK client offers only a certificate whose issuer the server names in its request, so a
 * stranger's certificate is not even sent; when required, that fails the handshake.)
 */
class TlsClientCertIT {

    private static final Duration VALID = Duration.ofDays(7);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aRequiredClientCertificateMustComeFromTheConfiguredCa() throws Exception {
        DevCa serverCa = DevCa.generate("server CA", Duration.ofDays(30));
        DevCa clientCa = DevCa.generate("client CA", Duration.ofDays(30));
        DevCa strangerCa = DevCa.generate("stranger CA", Duration.ofDays(30));
        PemPair server = PemPair.in(dir.resolve("server"), "cert.pem", "key.pem")
                .write(serverCa.issue(List.of("127.0.0.1"), VALID), false);
        PemPair clientCaFiles = clientCa.writeTo(dir.resolve("client-ca"), false);
        try (GatewayProcess gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", server.certFile().toString(), "--tls-key", server.keyFile().toString(),
                "--tls-client-ca", clientCaFiles.certFile().toString(), "--policy", TlsListenerIT.policy(dir).toString())) {
            assertEquals("HTTP/1.1 200 OK", healthz(client(serverCa, clientCa.issueClient("alice", VALID)), gateway.https()));
            assertThrows(IOException.class, () -> healthz(client(serverCa, null), gateway.https()), "no certificate");
            assertThrows(IOException.class, () -> healthz(client(serverCa, strangerCa.issueClient("mallory", VALID)),
                    gateway.https()), "a certificate from another CA");
        }
    }

    @Test
    void theCertificateSubjectIsAuditedAndUsedByTheClientCertRule() throws Exception {
        DevCa serverCa = DevCa.generate("server CA", Duration.ofDays(30));
        DevCa clientCa = DevCa.generate("client CA", Duration.ofDays(30));
        PemPair server = PemPair.in(dir.resolve("server"), "cert.pem", "key.pem")
                .write(serverCa.issue(List.of("127.0.0.1"), VALID), false);
        PemPair clientCaFiles = clientCa.writeTo(dir.resolve("client-ca"), false);
        try (EchoBackend echo = new EchoBackend()) {
            Path policy = PolicyFile.write(dir.resolve("mtls.policy"), "gw.test", "https://gw.test",
                    "alias echo " + echo.target() + " allow-loopback client-cert=alice");
            try (GatewayProcess gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                    "--tls-cert", server.certFile().toString(), "--tls-key", server.keyFile().toString(),
                    "--tls-client-ca", clientCaFiles.certFile().toString(), "--policy", policy.toString())) {
                try (WsClient alice = webSocket(client(serverCa, clientCa.issueClient("alice", VALID)), gateway.https())) {
                    alice.open(1, "echo");
                    assertEquals(WsClient.OPENED, alice.await(f -> f.channel() == 1, BOUND).type(), gateway::output);
                }
                assertTrue(gateway.output().contains("verdict=\"ALLOW\" reason=\"allowed: alias\""), gateway::output);
                assertTrue(gateway.output().contains("client_cert=\"CN=alice\" token=-"), gateway::output);
                try (WsClient mallory = webSocket(client(serverCa, clientCa.issueClient("mallory", VALID)), gateway.https())) {
                    mallory.open(1, "echo");
                    WsClient.Frame refused = mallory.awaitClose(1, BOUND);
                    assertEquals(4004, refused.closeCode(), refused.closeReason());
                }
                assertTrue(gateway.awaitOutput("reason=\"denied: client certificate not allowed for this target\"", BOUND),
                        gateway::output);
            }
        }
    }

    private static WsClient webSocket(SSLContext client, InetSocketAddress address) throws IOException {
        Socket plain = new Socket();
        plain.connect(address, 5_000);
        plain.setSoTimeout(10_000);
        SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, "127.0.0.1", address.getPort(), true);
        tls.startHandshake();
        return WsClient.over(tls, WsClient.headers("gw.test", "https://gw.test"));
    }

    @Test
    void anOptionalClientCertificateMayBeLeftOut() throws Exception {
        DevCa serverCa = DevCa.generate("server CA", Duration.ofDays(30));
        DevCa clientCa = DevCa.generate("client CA", Duration.ofDays(30));
        PemPair server = PemPair.in(dir.resolve("server"), "cert.pem", "key.pem")
                .write(serverCa.issue(List.of("127.0.0.1"), VALID), false);
        PemPair clientCaFiles = clientCa.writeTo(dir.resolve("client-ca"), false);
        try (GatewayProcess gateway = GatewayProcess.start("--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", server.certFile().toString(), "--tls-key", server.keyFile().toString(),
                "--tls-client-ca", clientCaFiles.certFile().toString(), "--tls-client-auth", "optional",
                "--policy", TlsListenerIT.policy(dir).toString())) {
            assertEquals("HTTP/1.1 200 OK", healthz(client(serverCa, null), gateway.https()));
            assertEquals("HTTP/1.1 200 OK", healthz(client(serverCa, clientCa.issueClient("bob", VALID)), gateway.https()));
        }
    }

    /** A TLS client trusting {@code serverCa}, presenting {@code identity} if not null. */
    private static SSLContext client(DevCa serverCa, CertifiedKey identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", serverCa.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            char[] password = "test".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", identity.key(), password, identity.chain().toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** GET /healthz over TLS; the status line, or an IOException when the handshake is refused. */
    private static String healthz(SSLContext client, InetSocketAddress address) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(address, 5_000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, "127.0.0.1", address.getPort(), false)) {
                tls.startHandshake();
                tls.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                InputStream in = tls.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (response.isEmpty()) {
                    throw new IOException("closed without a response");
                }
                assertTrue(response.contains("\r\n"), response);
                return response.substring(0, response.indexOf("\r\n"));
            }
        }
    }
}
