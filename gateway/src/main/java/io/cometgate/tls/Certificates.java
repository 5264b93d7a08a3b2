package io.cometgate.tls;

import io.cometgate.policy.IpLiterals;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Key generation and certificate signing shared by {@link SelfSigned} and {@link DevCa}.
 *
 * <p>Keys are EC P-256 from the JDK and signatures SHA256withECDSA from the JDK: BouncyCastle only
 * assembles the certificate structure, so nothing depends on a registered BC provider (its signed
 * jar does not survive shading).
 */
final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** What kind of certificate to issue. */
    enum Kind { CA, SERVER, CLIENT }

    static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
        }
    }

    static X500Name commonName(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    /**
     * Signs a certificate.
     *
     * @param issuer    the issuing CA certificate, or {@code null} for a self-signed certificate
     * @param signerKey the issuer's private key (the subject's own key when self-signed)
     * @param names     SAN entries: IP literals become iPAddress, everything else dNSName (SERVER only)
     */
    static X509Certificate sign(Kind kind, X500Name subject, PublicKey subjectKey, X509Certificate issuer,
                                PrivateKey signerKey, Collection<String> names, Instant notBefore, Instant notAfter) {
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        // 127 random bits, positive: RFC 5280 asks for unique serials of at most 20 octets.
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        utils.createAuthorityKeyIdentifier(issuer));
            }
            if (kind == Kind.CA) {
                // pathLen 0: a dev CA signs server certificates, never other CAs.
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else if (kind == Kind.CLIENT) {
                // A TLS client certificate: the subject is the identity, no names to serve.
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
            }
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signerKey));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    /** Distinct names in order, lowercased host names; checked so a typo fails here, not in a browser. */
    static List<String> normalizeNames(Collection<String> names) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String raw : names) {
            String name = raw.trim();
            Optional<InetAddress> ip = IpLiterals.parse(name);
            if (ip.isPresent()) {
                out.add(name);
                continue;
            }
            String host = name.toLowerCase(java.util.Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            // Numeric-looking names (127.1, 0x7f.1) are odd IP notations, not host names: refuse them.
            String lastLabel = host.substring(host.lastIndexOf('.') + 1);
            if (host.indexOf(':') >= 0 || lastLabel.matches("[0-9]+|0x[0-9a-f]*")
                    || !host.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                    || host.length() > 253) {
                throw new IllegalArgumentException("'" + raw + "' is neither a host name nor a canonical IP address"
                        + " (use letters, digits, '-' and '.', e.g. backend.example.test, or 192.0.2.10)");
            }
            out.add(host);
        }
        return new ArrayList<>(out);
    }

    private static GeneralNames subjectAltNames(Collection<String> names) throws CertIOException {
        List<GeneralName> out = new ArrayList<>();
        for (String name : names) {
            Optional<InetAddress> ip = IpLiterals.parse(name);
            out.add(ip.isPresent()
                    ? new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.get().getAddress()))
                    : new GeneralName(GeneralName.dNSName, name));
        }
        if (out.isEmpty()) {
            throw new CertIOException("a server certificate needs at least one name");
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }
}
