package io.cometgate.tls;

import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReloadingServerTlsTest {

    private static Loopback loopback;
    private static DevCa ca;
    private static BackendTlsContexts client;

    @TempDir
    Path dir;
    private PemPair files;

    @BeforeAll
    static void setUpAll(@TempDir Path caDir) throws Exception {
        loopback = new Loopback();
        ca = TlsFixtures.ca();
        client = BackendTlsContexts.verifying(ca.writeTo(caDir, false).certFile());
    }

    @AfterAll
    static void tearDownAll() {
        loopback.close();
    }

    @BeforeEach
    void setUp() {
        files = PemPair.in(dir, "server.crt", "server.key");
    }

    private X509Certificate servedCertificate(ReloadingServerTls tls) throws Exception {
        Loopback.Result r = loopback.handshake(tls::newHandler,
                (alloc, address) -> client.newHandler(alloc, "gateway.test", address));
        assertTrue(r.succeeded(), () -> "client: " + r.clientFailure() + " server: " + r.serverFailure());
        return r.serverCertificate();
    }

    /** Same as an operator's `mv new.crt server.crt`: a new file (new inode) renamed over the old one. */
    private void renameOver(Path target, String content) throws Exception {
        Path tmp = dir.resolve(target.getFileName() + ".new");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void newConnectionsGetTheReplacementCertificate() throws Exception {
        CertifiedKey first = TlsFixtures.server(ca, "gateway.test");
        files.write(first, false);
        try (ReloadingServerTls tls = new ReloadingServerTls(files.certFile(), files.keyFile())) {
            assertEquals(first.leaf(), servedCertificate(tls));
            assertFalse(tls.reloadIfChanged(), "nothing changed yet");

            CertifiedKey second = TlsFixtures.server(ca, "gateway.test");
            files.write(second, true);
            assertTrue(tls.reloadIfChanged());
            assertEquals(second.leaf(), servedCertificate(tls));
        }
    }

    @Test
    void aBrokenReplacementKeepsTheLastGoodCertificate() throws Exception {
        CertifiedKey good = TlsFixtures.server(ca, "gateway.test");
        files.write(good, false);
        try (ReloadingServerTls tls = new ReloadingServerTls(files.certFile(), files.keyFile())) {
            SslContext before = tls.current();
            renameOver(files.keyFile(), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
            assertFalse(tls.reloadIfChanged());
            assertSame(before, tls.current());
            assertEquals(good.leaf(), servedCertificate(tls));
        }
    }

    @Test
    void aNewCertificateWithTheOldKeyIsNotInstalledUntilItsKeyArrives() throws Exception {
        CertifiedKey old = TlsFixtures.server(ca, "gateway.test");
        files.write(old, false);
        try (ReloadingServerTls tls = new ReloadingServerTls(files.certFile(), files.keyFile())) {
            CertifiedKey next = TlsFixtures.server(ca, "gateway.test");
            renameOver(files.certFile(), PemWriter.certificates(next.chain()));
            assertFalse(tls.reloadIfChanged(), "certificate and key do not match yet");
            assertEquals(old.leaf(), servedCertificate(tls));

            renameOver(files.keyFile(), PemWriter.privateKey(next.key()));
            assertTrue(tls.reloadIfChanged());
            assertEquals(next.leaf(), servedCertificate(tls));
        }
    }

    @Test
    void aDeletedFileKeepsTheOldCertificate() throws Exception {
        CertifiedKey good = TlsFixtures.server(ca, "gateway.test");
        files.write(good, false);
        try (ReloadingServerTls tls = new ReloadingServerTls(files.certFile(), files.keyFile())) {
            Files.delete(files.keyFile());
            assertFalse(tls.reloadIfChanged());
            assertEquals(good.leaf(), servedCertificate(tls));
        }
    }

    @Test
    void startingWithoutUsableFilesFailsNamingTheFile() {
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> ReloadingServerTls.start(files.certFile(), files.keyFile()));
        assertEquals(files.certFile() + ": file not found", e.getMessage());
    }

    @Test
    void startAndCloseRunTheWatcher() throws Exception {
        files.write(TlsFixtures.server(ca, "gateway.test"), false);
        ReloadingServerTls tls = ReloadingServerTls.start(files.certFile(), files.keyFile());
        tls.close();
        assertTrue(tls.current() != null);
    }
}
