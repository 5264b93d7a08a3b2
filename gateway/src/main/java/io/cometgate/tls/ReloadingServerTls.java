package io.cometgate.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server TLS context, reloaded when the certificate or key file changes (certbot renewals,
 * {@code cometgate cert ... --force}), without a restart and without dropping connections.
 *
 * <p>A daemon thread looks at both files once a second. It compares modification time, size and file
 * identity (inode), so both in-place writes and rename-replace (what certbot and editors do) are seen;
 * polling rather than a WatchService because a watch on a directory misses a replaced symlink target.
 * A replacement that does not load (half written, key not matching) is logged at ERROR and the last
 * good context stays; the next change is tried again. Connections already open keep their session.
 */
public final class ReloadingServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReloadingServerTls.class);

    private final Path certFile;
    private final Path keyFile;
    private final ClientCertificates clients;
    private final AtomicReference<SslContext> current = new AtomicReference<>();
    // Only the poller thread (or a test calling reloadIfChanged) touches this.
    private Stamps seen;
    private ScheduledExecutorService poller;

    /** Loads the files once; throws if they are unusable, because there is no previous context to fall back to. */
    ReloadingServerTls(Path certFile, Path keyFile) throws TlsConfigException {
        this(certFile, keyFile, null);
    }

    ReloadingServerTls(Path certFile, Path keyFile, ClientCertificates clients) throws TlsConfigException {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clients = clients;
        this.seen = Stamps.of(certFile, keyFile);
        current.set(load());
    }

    /** Loads the files and starts watching them. */
    public static ReloadingServerTls start(Path certFile, Path keyFile) throws TlsConfigException {
        return start(certFile, keyFile, null);
    }

    /**
     * As {@link #start(Path, Path)}, asking clients for certificates when {@code clients} is given
     * (the CA bundle is read once, at start).
     */
    public static ReloadingServerTls start(Path certFile, Path keyFile, ClientCertificates clients) throws TlsConfigException {
        ReloadingServerTls tls = new ReloadingServerTls(certFile, keyFile, clients);
        tls.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cometgate-tls-reload");
            t.setDaemon(true);
            return t;
        });
        tls.poller.scheduleWithFixedDelay(tls::poll, 1, 1, TimeUnit.SECONDS);
        return tls;
    }

    /** The context new connections should use. */
    public SslContext current() {
        return current.get();
    }

    /** A handler for one new inbound connection, from the context current at this moment. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.get().newHandler(alloc);
    }

    /** Reloads if either file changed since last looked at; true if a new context was installed. */
    boolean reloadIfChanged() {
        Stamps now = Stamps.of(certFile, keyFile);
        if (now.equals(seen)) {
            return false;
        }
        seen = now;
        try {
            current.set(load());
            return true;
        } catch (TlsConfigException e) {
            log.error("TLS certificate reload failed, still serving the previous certificate: {}", e.getMessage());
            return false;
        }
    }

    private void poll() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // Never let one bad tick cancel the schedule.
            log.error("TLS certificate reload check failed", e);
        }
    }

    private SslContext load() throws TlsConfigException {
        CertifiedKey key = PemFiles.load(certFile, keyFile);
        SslContext context = ServerTlsContexts.forKey(key, clients);
        X509Certificate leaf = key.leaf();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now())) {
            log.warn("TLS certificate {} ({}) EXPIRED at {}; clients will refuse it", certFile,
                    leaf.getSubjectX500Principal(), notAfter);
        } else {
            log.info("TLS certificate loaded from {}: {} valid until {}", certFile, leaf.getSubjectX500Principal(),
                    notAfter);
        }
        return context;
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** What identifies a version of the two files; a missing file is a null stamp. */
    private record Stamps(Stamp cert, Stamp key) {
        static Stamps of(Path certFile, Path keyFile) {
            return new Stamps(Stamp.of(certFile), Stamp.of(keyFile));
        }
    }

    private record Stamp(FileTime modified, long size, Object fileKey) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), ""));
            } catch (IOException e) {
                return null;
            }
        }
    }
}
