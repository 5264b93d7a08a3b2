package io.cometgate.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The gateway's HTTPS/WSS server {@link SslContext}: TLS 1.3 and 1.2 only, AEAD cipher suites only
 * (the security brief's "TLS" row), JDK provider so the build needs no native library.
 */
public final class ServerTlsContexts {

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * TLS 1.3 suites (all AEAD), then TLS 1.2 suites with forward secrecy and AEAD. The order is the
     * server's preference; suites the running JVM lacks are dropped by the filter.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The key exchange groups of the brief, in the JDK's spelling. */
    public static final String NAMED_GROUPS = "x25519,secp256r1,secp384r1";

    private static final String NAMED_GROUPS_PROPERTY = "jdk.tls.namedGroups";

    private ServerTlsContexts() {
    }

    /** A server context for the chain and key in these PEM files. */
    public static SslContext fromFiles(Path certFile, Path keyFile) throws TlsConfigException {
        return forKey(PemFiles.load(certFile, keyFile));
    }

    public static SslContext forKey(CertifiedKey key) throws TlsConfigException {
        return forKey(key, null);
    }

    /** As {@link #forKey(CertifiedKey)}, asking clients for a certificate from {@code clients}' CAs if given. */
    public static SslContext forKey(CertifiedKey key, ClientCertificates clients) throws TlsConfigException {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(key.key(), key.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
            if (clients != null) {
                builder.trustManager(clients.trusted().toArray(X509Certificate[]::new))
                        .clientAuth(clients.required() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsConfigException("cannot build the TLS server context for " + key.leaf().getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restricts key exchange to X25519, P-256 and P-384 for the whole JVM, unless the operator already
     * chose groups with {@code -Djdk.tls.namedGroups}. The JDK 17 provider has no per-context setting
     * for this and reads the property once, so call it at startup before any TLS is used.
     *
     * @return the groups in effect
     */
    public static String restrictNamedGroups() {
        String chosen = System.getProperty(NAMED_GROUPS_PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            System.setProperty(NAMED_GROUPS_PROPERTY, NAMED_GROUPS);
            return NAMED_GROUPS;
        }
        return chosen;
    }
}
