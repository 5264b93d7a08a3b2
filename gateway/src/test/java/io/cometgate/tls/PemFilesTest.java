package io.cometgate.tls;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFilesTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    /** What OpenSSL's traditional writers produce: BouncyCastle's JcaPEMWriter writes the same headers. */
    private static String traditional(PrivateKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key);
        }
        return out.toString();
    }

    /**
     * {@code openssl ecparam -genkey} output: an RFC 5915 ECPrivateKey carrying the curve and the public
     * key (the JDK's PKCS#8 form leaves both out of the inner structure, so it is rebuilt here).
     */
    private static String opensslStyleEcKey(CertifiedKey ck) throws Exception {
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(ck.key().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ECPrivateKey full = new ECPrivateKey(256, inner.getKey(),
                SubjectPublicKeyInfo.getInstance(ck.leaf().getPublicKey().getEncoded()).getPublicKeyData(),
                pkcs8.getPrivateKeyAlgorithm().getParameters());
        return "-----BEGIN EC PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(full.getEncoded())
                + "\n-----END EC PRIVATE KEY-----\n";
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private TlsConfigException failure(Executable call) {
        return assertThrows(TlsConfigException.class, call::run);
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void readsAPkcs8EcKey() throws Exception {
        CertifiedKey ck = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        Path key = file("key.pem", PemWriter.privateKey(ck.key()));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertArrayEquals(ck.key().getEncoded(), PemFiles.readPrivateKey(key).getEncoded());
    }

    @Test
    void readsATraditionalEcKeyEvenAfterAnEcParametersBlock() throws Exception {
        CertifiedKey ck = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        String pem = opensslStyleEcKey(ck);
        // `openssl ecparam -genkey` writes the curve first.
        Path key = file("server.key", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + pem);
        PrivateKey read = PemFiles.readPrivateKey(key);
        assertEquals("EC", read.getAlgorithm());
        PemFiles.requireMatch(read, ck.leaf(), Path.of("cert"), key);
    }

    @Test
    void readsATraditionalRsaKeyAndAPkcs8RsaKey() throws Exception {
        KeyPair pair = rsa();
        String pem = traditional(pair.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----"), pem);
        PrivateKey fromTraditional = PemFiles.readPrivateKey(file("rsa.key", pem));
        PrivateKey fromPkcs8 = PemFiles.readPrivateKey(file("rsa8.key", PemWriter.privateKey(pair.getPrivate())));
        assertEquals("RSA", fromTraditional.getAlgorithm());
        assertArrayEquals(pair.getPrivate().getEncoded(), fromTraditional.getEncoded());
        assertArrayEquals(pair.getPrivate().getEncoded(), fromPkcs8.getEncoded());
    }

    @Test
    void readsAChainInFileOrderAndSkipsAKeyInTheSameFile() throws Exception {
        DevCa ca = TlsFixtures.ca();
        CertifiedKey leaf = TlsFixtures.server(ca, "a.test");
        Path combined = file("combined.pem", PemWriter.privateKey(leaf.key())
                + PemWriter.certificates(List.of(leaf.leaf(), ca.certificate())));
        assertEquals(List.of(leaf.leaf(), ca.certificate()), PemFiles.readCertificates(combined));
        CertifiedKey loaded = PemFiles.load(combined, combined);
        assertEquals(leaf.leaf(), loaded.leaf());
    }

    @Test
    void aKeyFileWithoutAKeySaysWhatWasExpected() throws Exception {
        CertifiedKey ck = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        Path certOnly = file("server.key", PemWriter.certificates(ck.chain()));
        assertEquals(certOnly + ": no private key found (expected PKCS#8 or RSA/EC PEM)",
                failure(() -> PemFiles.readPrivateKey(certOnly)).getMessage());
    }

    @Test
    void aCertificateFileWithoutCertificatesSaysSo() throws Exception {
        CertifiedKey ck = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        Path keyOnly = file("server.crt", PemWriter.privateKey(ck.key()));
        assertEquals(keyOnly + ": no certificate found (expected -----BEGIN CERTIFICATE----- PEM)",
                failure(() -> PemFiles.readCertificates(keyOnly)).getMessage());
    }

    @Test
    void emptyAndBinaryFilesHaveNothingInThem() throws Exception {
        Path empty = file("empty.pem", "");
        assertTrue(failure(() -> PemFiles.readPrivateKey(empty)).getMessage().contains("no private key found"));
        Path der = dir.resolve("cert.der");
        Files.write(der, SelfSigned.generate(List.of(), java.time.Duration.ofDays(1)).leaf().getEncoded());
        assertTrue(failure(() -> PemFiles.readCertificates(der)).getMessage().contains("no certificate found"));
    }

    @Test
    void brokenBase64IsMalformedPem() throws Exception {
        Path bad = file("bad.key", "-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n");
        String message = failure(() -> PemFiles.readPrivateKey(bad)).getMessage();
        assertTrue(message.startsWith(bad + ": "), message);
    }

    @Test
    void anUnterminatedBlockIsMalformedPem() throws Exception {
        Path bad = file("cut.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertTrue(failure(() -> PemFiles.readCertificates(bad)).getMessage().startsWith(bad + ": malformed PEM"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.key");
        assertEquals(missing + ": file not found", failure(() -> PemFiles.readPrivateKey(missing)).getMessage());
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithHowToDecrypt() throws Exception {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, DERNull.INSTANCE),
                new byte[48]);
        String pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(info.getEncoded())
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
        Path key = file("enc.key", pem);
        String message = failure(() -> PemFiles.readPrivateKey(key)).getMessage();
        assertTrue(message.startsWith(key + ": the private key is encrypted"), message);
        assertTrue(message.contains("openssl pkey"), message);
    }

    @Test
    void anEncryptedTraditionalKeyIsRefused() throws Exception {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + Base64.getEncoder().encodeToString(new byte[64]) + "\n-----END RSA PRIVATE KEY-----\n";
        Path key = file("enc-rsa.key", pem);
        assertTrue(failure(() -> PemFiles.readPrivateKey(key)).getMessage().contains("the private key is encrypted"));
    }

    @Test
    void twoKeysInOneFileAreRefused() throws Exception {
        CertifiedKey a = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        CertifiedKey b = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        Path key = file("two.key", PemWriter.privateKey(a.key()) + PemWriter.privateKey(b.key()));
        assertTrue(failure(() -> PemFiles.readPrivateKey(key)).getMessage().contains("more than one private key"));
    }

    @Test
    void anEd25519KeyIsAnUnsupportedAlgorithm() throws Exception {
        PrivateKey ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        Path key = file("ed.key", PemWriter.privateKey(ed));
        assertTrue(failure(() -> PemFiles.readPrivateKey(key)).getMessage()
                .contains("unsupported private key algorithm 1.3.101.112 (use an RSA or EC key)"));
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsCaughtAtLoad() throws Exception {
        CertifiedKey a = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        CertifiedKey b = SelfSigned.generate(List.of(), java.time.Duration.ofDays(1));
        Path cert = file("a.crt", PemWriter.certificates(a.chain()));
        Path key = file("b.key", PemWriter.privateKey(b.key()));
        String message = failure(() -> PemFiles.load(cert, key)).getMessage();
        assertTrue(message.startsWith(key + ": the private key does not belong to the first certificate in " + cert),
                message);
        Path rsaKey = file("rsa.key", PemWriter.privateKey(rsa().getPrivate()));
        assertTrue(failure(() -> PemFiles.load(cert, rsaKey)).getMessage().contains("does not belong"));
    }
}
