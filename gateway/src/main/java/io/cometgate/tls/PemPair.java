package io.cometgate.tls;

import java.nio.file.Path;

/**
 * Where a certificate and its key were written.
 *
 * @param certFile PEM certificate chain, leaf first
 * @param keyFile  PKCS#8 PEM private key, mode 0600
 */
public record PemPair(Path certFile, Path keyFile) {

    /** The usual names inside an output directory. */
    public static PemPair in(Path dir, String certName, String keyName) {
        return new PemPair(dir.resolve(certName), dir.resolve(keyName));
    }

    /** Writes {@code certifiedKey} to these files; refuses to replace existing files unless {@code overwrite}. */
    public PemPair write(CertifiedKey certifiedKey, boolean overwrite) throws TlsConfigException {
        PemWriter.requireAbsent(overwrite, certFile, keyFile);
        // Key first: a watcher that sees the new certificate must find the matching key already there.
        PemWriter.write(keyFile, PemWriter.privateKey(certifiedKey.key()), true);
        PemWriter.write(certFile, PemWriter.certificates(certifiedKey.chain()), false);
        return this;
    }
}
