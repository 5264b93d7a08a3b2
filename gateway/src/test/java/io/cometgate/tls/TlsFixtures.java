package io.cometgate.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** Shared CA material for the TLS tests; EC key generation is cheap, so each test class makes its own. */
final class TlsFixtures {

    private TlsFixtures() {
    }

    static DevCa ca() {
        return DevCa.generate("test CA", Duration.ofDays(30));
    }

    static CertifiedKey server(DevCa ca, String... names) {
        return ca.issue(List.of(names), Duration.ofDays(7));
    }

    static String cn(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }
}
