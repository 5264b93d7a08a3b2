package io.cometgate.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads certificate chains and private keys from PEM files, the way operators get them from
 * certbot, openssl or a corporate CA.
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}) and the traditional OpenSSL forms
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}, with or without a leading
 * {@code EC PARAMETERS} block). Encrypted keys are refused: the gateway starts unattended and has
 * nowhere to get a passphrase from. BouncyCastle only parses; the JDK's own KeyFactory and
 * CertificateFactory build the objects, so no security provider is registered.
 */
public final class PemFiles {

    /** A PEM bundle of a few hundred certificates is well under this; anything larger is a mistake. */
    private static final long MAX_BYTES = 1 << 20;

    private PemFiles() {
    }

    /** The leaf-first chain in {@code certFile} and the key in {@code keyFile}, checked to belong together. */
    public static CertifiedKey load(Path certFile, Path keyFile) throws TlsConfigException {
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKey key = readPrivateKey(keyFile);
        requireMatch(key, chain.get(0), certFile, keyFile);
        return new CertifiedKey(key, chain);
    }

    /** Every certificate in {@code file}, in file order; other PEM blocks (keys, parameters) are skipped. */
    public static List<X509Certificate> readCertificates(Path file) throws TlsConfigException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object o : readObjects(file)) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(file + ": unreadable certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(file + ": no certificate found (expected -----BEGIN CERTIFICATE----- PEM)");
        }
        return out;
    }

    /** The one private key in {@code file}; certificates in the same file are skipped. */
    public static PrivateKey readPrivateKey(Path file) throws TlsConfigException {
        PrivateKeyInfo found = null;
        for (Object o : readObjects(file)) {
            PrivateKeyInfo info;
            if (o instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (o instanceof PrivateKeyInfo pkcs8) {
                info = pkcs8;
            } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsConfigException(file + ": the private key is encrypted; the gateway needs it unencrypted"
                        + " (decrypt it with `openssl pkey -in " + file.getFileName() + " -out plain.key`"
                        + " and protect the file with chmod 600)");
            } else {
                continue; // certificates, EC PARAMETERS, public keys
            }
            if (found != null) {
                throw new TlsConfigException(file + ": more than one private key (keep exactly one key per file)");
            }
            found = info;
        }
        if (found == null) {
            throw new TlsConfigException(file + ": no private key found (expected PKCS#8 or RSA/EC PEM)");
        }
        return toJdkKey(found, file);
    }

    private static List<Object> readObjects(Path file) throws TlsConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new TlsConfigException(file + ": larger than 1 MiB; this is not a PEM certificate or key file");
            }
            // ISO-8859-1 maps every byte, so a binary (DER) file reaches the parser and gets "no ... found".
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(file + ": file not found", e);
        } catch (IOException e) {
            throw new TlsConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsConfigException(file + ": malformed PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private static PrivateKey toJdkKey(PrivateKeyInfo info, Path file) throws TlsConfigException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            algorithm = "RSA";
        } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            algorithm = "EC";
        } else {
            throw new TlsConfigException(file + ": unsupported private key algorithm " + oid.getId()
                    + " (use an RSA or EC key)");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(file + ": unreadable " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /**
     * A key that does not belong to the certificate only shows up as failed handshakes, so it is caught
     * at load by signing a random challenge and verifying it with the certificate's public key.
     */
    static void requireMatch(PrivateKey key, X509Certificate leaf, Path certFile, Path keyFile)
            throws TlsConfigException {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of the wrong type for the certificate lands here too: it is a mismatch as well.
        }
        throw new TlsConfigException(keyFile + ": the private key does not belong to the first certificate in "
                + certFile + " (their public keys differ; use the key the certificate was issued for)");
    }
}
