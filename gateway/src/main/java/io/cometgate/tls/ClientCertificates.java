package io.cometgate.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS client-certificate authentication on the gateway's own listeners ({@code --tls-client-ca}):
 * the CAs whose certificates are accepted, and whether a client must present one.
 *
 * @param trusted  the CA certificates from the PEM bundle
 * @param required {@code true}: a client without a valid certificate fails the handshake;
 *                 {@code false}: a certificate is asked for, checked if sent, and optional
 */
public record ClientCertificates(List<X509Certificate> trusted, boolean required) {

    public ClientCertificates {
        trusted = List.copyOf(trusted);
    }

    /** Reads the CA bundle; an empty or unreadable file is an error naming the file. */
    public static ClientCertificates load(Path caFile, boolean required) throws TlsConfigException {
        List<X509Certificate> cas = PemFiles.readCertificates(caFile);
        if (cas.isEmpty()) {
            throw new TlsConfigException(caFile + ": no CERTIFICATE block (--tls-client-ca wants the PEM of the CA that "
                    + "issues client certificates, e.g. 'cometgate cert ca' DIR/ca.pem)");
        }
        return new ClientCertificates(cas, required);
    }
}
