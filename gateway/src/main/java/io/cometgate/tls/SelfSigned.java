package io.cometgate.tls;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A self-signed EC P-256 server certificate for trying the gateway over HTTPS/WSS on a workstation:
 * valid for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and any extra names, written as
 * {@code cert.pem} + {@code key.pem} so curl ({@code --cacert cert.pem}) or a browser can be told to
 * trust it. For anything shared between machines prefer {@link DevCa}: one CA to trust, many certificates.
 */
public final class SelfSigned {

    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";

    /** Backdating absorbs clock skew between the machine that issues and the one that checks. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private SelfSigned() {
    }

    /**
     * A fresh key and certificate.
     *
     * @throws IllegalArgumentException naming an extra name that is neither a host name nor an IP literal
     */
    public static CertifiedKey generate(Collection<String> extraNames, Duration validity) {
        Instant now = Instant.now();
        return generate(extraNames, now.minus(BACKDATE), now.plus(validity));
    }

    static CertifiedKey generate(Collection<String> extraNames, Instant notBefore, Instant notAfter) {
        List<String> all = new ArrayList<>(LOCAL_NAMES);
        all.addAll(extraNames);
        List<String> names = Certificates.normalizeNames(all);
        KeyPair pair = Certificates.newEcKeyPair();
        X509Certificate cert = Certificates.sign(Certificates.Kind.SERVER,
                Certificates.commonName(names.size() > LOCAL_NAMES.size() ? names.get(LOCAL_NAMES.size()) : "localhost"),
                pair.getPublic(), null, pair.getPrivate(), names, notBefore, notAfter);
        return new CertifiedKey(pair.getPrivate(), List.of(cert));
    }

    /** Generates and writes {@code dir/cert.pem} and {@code dir/key.pem}. */
    public static PemPair writeTo(Path dir, Collection<String> extraNames, Duration validity, boolean overwrite)
            throws TlsConfigException {
        PemPair files = PemPair.in(dir, CERT_FILE, KEY_FILE);
        PemWriter.requireAbsent(overwrite, files.certFile(), files.keyFile());
        return files.write(generate(extraNames, validity), overwrite);
    }
}
