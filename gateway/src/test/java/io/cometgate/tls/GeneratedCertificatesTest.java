package io.cometgate.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link SelfSigned} and {@link DevCa} write parses back, verifies, and says what it should. */
class GeneratedCertificatesTest {

    @TempDir
    Path dir;

    private static List<String> sans(X509Certificate cert) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        for (List<?> n : names) {
            Object value = n.get(1);
            int type = (Integer) n.get(0);
            out.add(type == 7 ? InetAddress.getByName((String) value).getHostAddress() : type + ":" + value);
        }
        return out;
    }

    private static void pkixValidate(X509Certificate leaf, X509Certificate anchor) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }

    @Test
    void selfSignedFilesParseVerifyAndNameTheLocalAddresses() throws Exception {
        PemPair files = SelfSigned.writeTo(dir, List.of("dev.example.test", "192.0.2.5"), Duration.ofDays(30), false);
        assertEquals(dir.resolve("cert.pem"), files.certFile());
        CertifiedKey loaded = PemFiles.load(files.certFile(), files.keyFile());
        X509Certificate cert = loaded.leaf();
        cert.verify(cert.getPublicKey());
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertEquals(List.of("2:localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "2:dev.example.test", "192.0.2.5"),
                sans(cert));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage());
        assertEquals(-1, cert.getBasicConstraints());
        Duration valid = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertEquals(Duration.ofDays(30).plus(SelfSigned.BACKDATE).toSeconds(), valid.toSeconds());
    }

    @Test
    void keysAreWrittenOwnerOnly() throws Exception {
        PemPair files = SelfSigned.writeTo(dir, List.of(), Duration.ofDays(1), false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.keyFile())));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.certFile())));
    }

    @Test
    void existingFilesAreNotOverwrittenWithoutForce() throws Exception {
        PemPair first = SelfSigned.writeTo(dir, List.of(), Duration.ofDays(1), false);
        String before = Files.readString(first.keyFile());
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> SelfSigned.writeTo(dir, List.of(), Duration.ofDays(1), false));
        assertEquals(dir.resolve("cert.pem") + ": already exists (use --force to overwrite)", e.getMessage());
        assertEquals(before, Files.readString(first.keyFile()));
        SelfSigned.writeTo(dir, List.of(), Duration.ofDays(1), true);
        assertTrue(!before.equals(Files.readString(first.keyFile())));
    }

    @Test
    void aMalformedExtraNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelfSigned.generate(List.of("bad name"), Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith("'bad name' is neither a host name nor a canonical IP address"));
        assertThrows(IllegalArgumentException.class, () -> SelfSigned.generate(List.of("127.1"), Duration.ofDays(1)));
    }

    @Test
    void aDevCaIsACaAndTheCertificatesItIssuesValidateAgainstIt() throws Exception {
        DevCa ca = DevCa.generate("unit CA", Duration.ofDays(100));
        PemPair caFiles = ca.writeTo(dir.resolve("ca"), false);
        DevCa loaded = DevCa.load(dir.resolve("ca"));
        assertEquals(ca.certificate(), loaded.certificate());
        assertEquals(0, loaded.certificate().getBasicConstraints(), "CA with pathLen 0");
        assertTrue(loaded.certificate().getKeyUsage()[5], "keyCertSign");
        assertEquals(List.of(ca.certificate()), PemFiles.readCertificates(caFiles.certFile()));

        PemPair issued = loaded.issueTo(dir.resolve("xmpp"), List.of("xmpp.example.test", "2001:db8::7"),
                Duration.ofDays(10), false);
        X509Certificate leaf = PemFiles.load(issued.certFile(), issued.keyFile()).leaf();
        leaf.verify(ca.certificate().getPublicKey());
        pkixValidate(leaf, ca.certificate());
        assertEquals(-1, leaf.getBasicConstraints());
        assertEquals(List.of("2:xmpp.example.test", "2001:db8:0:0:0:0:0:7"), sans(leaf));
        assertEquals("CN=xmpp.example.test", leaf.getSubjectX500Principal().getName());
        assertEquals(ca.certificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
    }

    @Test
    void anIssuedCertificateNeverOutlivesItsCa() {
        DevCa ca = DevCa.generate("short CA", Duration.ofDays(2));
        X509Certificate leaf = ca.issue(List.of("a.test"), Duration.ofDays(397)).leaf();
        assertEquals(ca.certificate().getNotAfter(), leaf.getNotAfter());
    }

    @Test
    void issuingWithoutNamesIsRefused() {
        DevCa ca = DevCa.generate("CA", Duration.ofDays(2));
        assertThrows(IllegalArgumentException.class, () -> ca.issue(List.of(), Instant.now(), Instant.now()));
    }

    @Test
    void aServerCertificateIsNotAcceptedAsACaDirectory() throws Exception {
        Path notCa = dir.resolve("notca");
        new PemPair(notCa.resolve(DevCa.CERT_FILE), notCa.resolve(DevCa.KEY_FILE))
                .write(SelfSigned.generate(List.of(), Duration.ofDays(1)), false);
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> DevCa.load(notCa));
        assertTrue(e.getMessage().contains("not a CA certificate"), e.getMessage());
    }
}
