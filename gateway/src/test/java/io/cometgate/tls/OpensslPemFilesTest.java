package io.cometgate.tls;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files operators actually have: keys and certificates as OpenSSL writes them (see the README there). */
class OpensslPemFilesTest {

    private static Path fixture(String name) {
        try {
            return Path.of(OpensslPemFilesTest.class.getResource("openssl/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ec-pkcs8, EC", "ec-traditional, EC", "rsa-traditional, RSA", "rsa-pkcs8, RSA"})
    void eachKeyKindLoadsWithItsCertificateAndMakesAServerContext(String name, String algorithm) throws Exception {
        CertifiedKey loaded = PemFiles.load(fixture(name + ".crt"), fixture(name + ".key"));
        assertEquals(algorithm, loaded.key().getAlgorithm());
        assertEquals("CN=" + name + ".test", loaded.leaf().getSubjectX500Principal().getName());
        assertTrue(ServerTlsContexts.forKey(loaded).isServer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec-encrypted-pkcs8.key", "rsa-encrypted-traditional.key"})
    void encryptedKeysAreRefusedWithAClearMessage(String name) {
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> PemFiles.readPrivateKey(fixture(name)));
        assertTrue(e.getMessage().startsWith(fixture(name) + ": the private key is encrypted"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"ec-pkcs8.crt, rsa-pkcs8.key", "rsa-traditional.crt, rsa-pkcs8.key", "ec-traditional.crt, ec-pkcs8.key"})
    void mismatchedPairsAreRefused(String cert, String key) {
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> PemFiles.load(fixture(cert), fixture(key)));
        assertTrue(e.getMessage().contains("does not belong to the first certificate"), e.getMessage());
    }
}
