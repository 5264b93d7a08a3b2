package io.cometgate.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * Writes certificates and PKCS#8 keys as PEM.
 *
 * <p>Every file is written to a temporary name and renamed into place, so a running gateway that
 * watches the files ({@link ReloadingServerTls}) never sees half a file; keys are created owner-only.
 */
final class PemWriter {

    private PemWriter() {
    }

    static String certificates(List<X509Certificate> certs) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate cert : certs) {
            try {
                out.append(block("CERTIFICATE", cert.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    static String privateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("expected a PKCS#8-encodable key, got " + key.getFormat());
        }
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (var pem = new org.bouncycastle.util.io.pem.PemWriter(out)) {
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Fails naming the first file of {@code files} that exists, unless {@code overwrite}. */
    static void requireAbsent(boolean overwrite, Path... files) throws TlsConfigException {
        if (overwrite) {
            return;
        }
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new TlsConfigException(f + ": already exists (use --force to overwrite)");
            }
        }
    }

    /** Writes {@code text} to {@code target} atomically; {@code secret} files get mode 0600 where POSIX. */
    static void write(Path target, String text, boolean secret) throws TlsConfigException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(secret ? OWNER_ONLY : READABLE)}
                    : new FileAttribute<?>[0];
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
            try {
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new TlsConfigException(target + ": already exists (use --force to overwrite)", e);
        } catch (IOException e) {
            throw new TlsConfigException(target + ": cannot write: " + e, e);
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
}
