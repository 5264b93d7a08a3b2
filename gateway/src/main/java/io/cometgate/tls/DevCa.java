package io.cometgate.tls;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A development certificate authority: one EC P-256 CA certificate to trust (in a browser, curl, an
 * XMPP server, the gateway's backend CA bundle) and as many server certificates as needed, each for
 * its DNS names and IP addresses. Never for production: the CA key sits in a plain file.
 *
 * <p>On disk a CA is {@code ca.pem} + {@code ca-key.pem}; an issued certificate is {@code cert.pem}
 * (leaf only) + {@code key.pem}.
 */
public final class DevCa {

    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    public static final String DEFAULT_NAME = "cometgate development CA";
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    /** The most browsers accept for a server certificate. */
    public static final Duration DEFAULT_SERVER_VALIDITY = Duration.ofDays(397);

    private final CertifiedKey ca;

    private DevCa(CertifiedKey ca) {
        this.ca = ca;
    }

    /** A new CA in memory. */
    public static DevCa generate(String commonName, Duration validity) {
        Instant now = Instant.now();
        return generate(commonName, now.minus(SelfSigned.BACKDATE), now.plus(validity));
    }

    static DevCa generate(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair pair = Certificates.newEcKeyPair();
        X509Certificate cert = Certificates.sign(Certificates.Kind.CA, Certificates.commonName(commonName),
                pair.getPublic(), null, pair.getPrivate(), List.of(), notBefore, notAfter);
        return new DevCa(new CertifiedKey(pair.getPrivate(), List.of(cert)));
    }

    /** Loads {@code dir/ca.pem} and {@code dir/ca-key.pem}, checking the pair is a CA. */
    public static DevCa load(Path dir) throws TlsConfigException {
        Path certFile = dir.resolve(CERT_FILE);
        CertifiedKey loaded = PemFiles.load(certFile, dir.resolve(KEY_FILE));
        if (loaded.leaf().getBasicConstraints() < 0) {
            throw new TlsConfigException(certFile + ": not a CA certificate (no basicConstraints CA:true);"
                    + " create a CA with `cometgate cert ca --out " + dir + "`");
        }
        return new DevCa(loaded);
    }

    /** Writes {@code dir/ca.pem} and {@code dir/ca-key.pem}. */
    public PemPair writeTo(Path dir, boolean overwrite) throws TlsConfigException {
        return PemPair.in(dir, CERT_FILE, KEY_FILE).write(ca, overwrite);
    }

    public X509Certificate certificate() {
        return ca.leaf();
    }

    /**
     * A server certificate for {@code names} (host names become DNS SANs, IP literals IP SANs), valid
     * from now (backdated an hour) for {@code validity}, but never beyond the CA itself.
     *
     * @throws IllegalArgumentException if there are no names or a name is malformed
     */
    public CertifiedKey issue(Collection<String> names, Duration validity) {
        Instant now = Instant.now();
        return issue(names, now.minus(SelfSigned.BACKDATE), now.plus(validity));
    }

    CertifiedKey issue(Collection<String> names, Instant notBefore, Instant notAfter) {
        List<String> normalized = Certificates.normalizeNames(names);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one --name or --ip");
        }
        Instant caEnd = ca.leaf().getNotAfter().toInstant();
        KeyPair pair = Certificates.newEcKeyPair();
        X509Certificate cert = Certificates.sign(Certificates.Kind.SERVER,
                Certificates.commonName(normalized.get(0)), pair.getPublic(), ca.leaf(), ca.key(), normalized,
                notBefore, notAfter.isAfter(caEnd) ? caEnd : notAfter);
        return new CertifiedKey(pair.getPrivate(), List.of(cert));
    }

    /**
     * A TLS client certificate (extended key usage clientAuth) with subject {@code CN=commonName},
     * for {@code serve --tls-client-ca}: the gateway records the subject and the policy can match it.
     */
    public CertifiedKey issueClient(String commonName, Duration validity) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a client certificate needs a --name (its common name)");
        }
        Instant now = Instant.now();
        Instant caEnd = ca.leaf().getNotAfter().toInstant();
        Instant notAfter = now.plus(validity);
        KeyPair pair = Certificates.newEcKeyPair();
        X509Certificate cert = Certificates.sign(Certificates.Kind.CLIENT, Certificates.commonName(commonName.trim()),
                pair.getPublic(), ca.leaf(), ca.key(), List.of(), now.minus(SelfSigned.BACKDATE),
                notAfter.isAfter(caEnd) ? caEnd : notAfter);
        return new CertifiedKey(pair.getPrivate(), List.of(cert));
    }

    /** Issues a certificate for {@code names} and writes {@code dir/cert.pem} and {@code dir/key.pem}. */
    public PemPair issueTo(Path dir, Collection<String> names, Duration validity, boolean overwrite)
            throws TlsConfigException {
        PemPair files = PemPair.in(dir, SelfSigned.CERT_FILE, SelfSigned.KEY_FILE);
        PemWriter.requireAbsent(overwrite, files.certFile(), files.keyFile());
        return files.write(issue(names, validity), overwrite);
    }
}
