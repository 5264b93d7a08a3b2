package io.cometgate.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Polls the policy file once a second and calls back when it changed. Polling instead of
 * WatchService on purpose: editors replace files by rename, config-map mounts swap symlinks,
 * and inotify misses both on some filesystems; comparing (mtime, size, inode) sees them all.
 */
final class PolicyWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyWatcher.class);
    static final long PERIOD_MILLIS = 1000;

    private record Stamp(long modified, long size, Object key) {
    }

    private final Path file;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;

    private PolicyWatcher(Path file, Runnable onChange) {
        this.file = file;
        this.onChange = onChange;
        this.thread = new Thread(this::loop, "cometgate-policy-watch");
        this.thread.setDaemon(true);
    }

    static PolicyWatcher start(Path file, Runnable onChange) {
        PolicyWatcher w = new PolicyWatcher(file, onChange);
        w.thread.start();
        return w;
    }

    private void loop() {
        Stamp last = stamp(file);
        while (running) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Stamp now = stamp(file);
            if (now != null && !Objects.equals(now, last)) {
                last = now;
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    log.error("policy reload failed", e);
                }
            }
        }
    }

    /** {@code null} while the file is missing (mid-rename): keep the old policy, look again later. */
    static Stamp stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
