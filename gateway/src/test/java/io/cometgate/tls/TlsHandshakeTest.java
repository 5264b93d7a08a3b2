package io.cometgate.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server contexts against backend contexts, over real loopback connections. */
class TlsHandshakeTest {

    private static final Pattern AEAD = Pattern.compile(
            "TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256"
                    + "|ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256))");

    private static Loopback loopback;
    private static DevCa ca;
    private static Path caFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        loopback = new Loopback();
        ca = TlsFixtures.ca();
        caFile = ca.writeTo(dir.resolve("ca"), false).certFile();
    }

    @AfterAll
    static void tearDown() {
        loopback.close();
    }

    private static SslContext server(CertifiedKey key) throws TlsConfigException {
        return ServerTlsContexts.forKey(key);
    }

    private static Loopback.Result connect(SslContext server, BackendTlsContexts client, String targetName)
            throws Exception {
        return loopback.handshake(server::newHandler,
                (alloc, address) -> client.newHandler(alloc, targetName, address));
    }

    @Test
    void theRightNameSignedByTheTrustedCaConnectsWithTls13AndSendsSni() throws Exception {
        CertifiedKey key = TlsFixtures.server(ca, "backend.test");
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(caFile), "backend.test");
        assertTrue(r.succeeded(), () -> "client: " + r.clientFailure() + " server: " + r.serverFailure());
        assertEquals(key.leaf(), r.serverCertificate());
        assertEquals("TLSv1.3", r.protocol());
        assertEquals("backend.test", r.requestedServerName());
    }

    @Test
    void anIpTargetIsCheckedAgainstIpSansAndSendsNoSni() throws Exception {
        CertifiedKey key = TlsFixtures.server(ca, "127.0.0.1");
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(caFile), "127.0.0.1");
        assertTrue(r.succeeded(), () -> "client: " + r.clientFailure());
        assertNull(r.requestedServerName());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        CertifiedKey key = TlsFixtures.server(ca, "other.test");
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(caFile), "backend.test");
        assertInstanceOf(SSLHandshakeException.class, r.clientFailure());
        assertTrue(r.clientFailure().getMessage().contains("backend.test"), r.clientFailure().getMessage());
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        CertifiedKey key = ca.issue(List.of("backend.test"), now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(caFile), "backend.test");
        assertInstanceOf(SSLHandshakeException.class, r.clientFailure());
        assertTrue(String.valueOf(r.clientFailure().getMessage()).toLowerCase().contains("expired")
                        || causeChainMentions(r.clientFailure(), "Expired"),
                () -> "expected an expiry failure, got " + r.clientFailure());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        CertifiedKey key = TlsFixtures.server(TlsFixtures.ca(), "backend.test");
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(caFile), "backend.test");
        assertInstanceOf(SSLHandshakeException.class, r.clientFailure());
    }

    @Test
    void theJvmDefaultTrustStoreDoesNotTrustADevCa() throws Exception {
        CertifiedKey key = TlsFixtures.server(ca, "backend.test");
        Loopback.Result r = connect(server(key), BackendTlsContexts.verifying(null), "backend.test");
        assertInstanceOf(SSLHandshakeException.class, r.clientFailure());
    }

    @Test
    void insecureModeConnectsDespiteWrongNameAndUnknownCa() throws Exception {
        CertifiedKey key = TlsFixtures.server(TlsFixtures.ca(), "other.test");
        BackendTlsContexts insecure = BackendTlsContexts.insecure();
        assertTrue(insecure.isInsecure());
        Loopback.Result r = connect(server(key), insecure, "backend.test");
        assertTrue(r.succeeded(), () -> "client: " + r.clientFailure());
    }

    @Test
    void everyInsecureHandlerLogsAWarningAndVerifyingOnesDoNot() throws Exception {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BackendTlsContexts.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        try {
            BackendTlsContexts insecure = BackendTlsContexts.insecure();
            BackendTlsContexts verifying = BackendTlsContexts.verifying(caFile);
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", 6697);
            seen.list.clear();
            for (int i = 0; i < 2; i++) {
                insecure.newHandler(ByteBufAllocator.DEFAULT, "irc.test", at).engine().closeOutbound();
            }
            verifying.newHandler(ByteBufAllocator.DEFAULT, "irc.test", at).engine().closeOutbound();
            assertEquals(2, seen.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .filter(e -> e.getFormattedMessage().contains("irc.test at /127.0.0.1:6697 is NOT verified"))
                    .count());
            assertEquals(2, seen.list.size());
        } finally {
            logger.detachAppender(seen);
        }
    }

    @Test
    void aVerifyingBackendHandlerChecksTheTargetName() throws Exception {
        SslHandler h = BackendTlsContexts.verifying(caFile).newHandler(ByteBufAllocator.DEFAULT, "backend.test.",
                new InetSocketAddress("127.0.0.1", 443));
        SSLEngine engine = h.engine();
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals("backend.test", engine.getPeerHost());
        assertEquals(443, engine.getPeerPort());
        engine.closeOutbound();
    }

    @Test
    void aNameSniCannotCarryStillGetsAHandlerThatVerifiesIt() throws Exception {
        SslHandler h = BackendTlsContexts.verifying(caFile).newHandler(ByteBufAllocator.DEFAULT, "old_host.corp",
                new InetSocketAddress("127.0.0.1", 443));
        SSLEngine engine = h.engine();
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals("old_host.corp", engine.getPeerHost());
        engine.closeOutbound();
    }

    @Test
    void theServerEnablesOnlyTls12And13AndOnlyAeadSuites() throws Exception {
        SslContext context = server(TlsFixtures.server(ca, "localhost"));
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), List.of(engine.getEnabledProtocols()).stream().sorted().toList());
        List<String> suites = List.of(engine.getEnabledCipherSuites());
        assertTrue(suites.contains("TLS_AES_128_GCM_SHA256"), suites::toString);
        assertTrue(suites.contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), suites::toString);
        for (String suite : suites) {
            assertTrue(AEAD.matcher(suite).matches(), () -> "not an AEAD suite: " + suite);
        }
    }

    @Test
    void aTls12ClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
        SslContext cbcClient = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2")
                .ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
                .trustManager(ca.certificate())
                .build();
        SslContext server = server(TlsFixtures.server(ca, "backend.test"));
        Loopback.Result r = loopback.handshake(server::newHandler,
                (alloc, address) -> cbcClient.newHandler(alloc, "backend.test", address.getPort()));
        assertNotNull(r.clientFailure());
        assertInstanceOf(SSLHandshakeException.class, r.serverFailure());
    }

    @Test
    void aTls11ClientHelloIsRefusedWithAProtocolVersionAlert() throws Exception {
        SslContext context = server(TlsFixtures.server(ca, "localhost"));
        EmbeddedChannel channel = new EmbeddedChannel(context.newHandler(ByteBufAllocator.DEFAULT));
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        try {
            channel.writeInbound(tls11ClientHello(channel.alloc()));
        } catch (Exception expected) {
            // SslHandler fails the handshake and EmbeddedChannel rethrows what it saw; checked below.
        }
        assertTrue(handler.handshakeFuture().isDone());
        assertInstanceOf(SSLHandshakeException.class, handler.handshakeFuture().cause());
        ByteBuf alert = channel.readOutbound();
        assertNotNull(alert, "the server answers with an alert record");
        try {
            assertEquals(0x15, alert.getUnsignedByte(0), "record type alert");
            assertEquals(2, alert.getUnsignedByte(5), "fatal");
            assertEquals(70, alert.getUnsignedByte(6), "protocol_version");
        } finally {
            alert.release();
        }
        channel.finishAndReleaseAll();
    }

    /** A minimal TLS 1.1 ClientHello: version 3.2, one ECDHE-CBC suite, no extensions. */
    private static ByteBuf tls11ClientHello(io.netty.buffer.ByteBufAllocator alloc) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        ByteBuf body = alloc.buffer();
        body.writeShort(0x0302);
        body.writeBytes(random);
        body.writeByte(0);                  // session id length
        body.writeShort(2).writeShort(0xC009); // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        body.writeByte(1).writeByte(0);     // null compression
        ByteBuf record = alloc.buffer();
        record.writeByte(0x16).writeShort(0x0301).writeShort(4 + body.readableBytes());
        record.writeByte(1).writeMedium(body.readableBytes()).writeBytes(body);
        body.release();
        return record;
    }

    private static boolean causeChainMentions(Throwable t, String word) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().contains(word) || String.valueOf(c.getMessage()).contains(word)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void restrictingNamedGroupsRespectsAnOperatorChoice() {
        String before = System.getProperty("jdk.tls.namedGroups");
        try {
            System.setProperty("jdk.tls.namedGroups", "secp384r1");
            assertEquals("secp384r1", ServerTlsContexts.restrictNamedGroups());
            System.clearProperty("jdk.tls.namedGroups");
            assertEquals("x25519,secp256r1,secp384r1", ServerTlsContexts.restrictNamedGroups());
            assertEquals("x25519,secp256r1,secp384r1", System.getProperty("jdk.tls.namedGroups"));
        } finally {
            if (before == null) {
                System.clearProperty("jdk.tls.namedGroups");
            } else {
                System.setProperty("jdk.tls.namedGroups", before);
            }
        }
        assertFalse(ServerTlsContexts.NAMED_GROUPS.contains("ffdhe"));
    }
}
