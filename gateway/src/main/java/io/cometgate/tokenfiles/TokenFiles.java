package io.cometgate.tokenfiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * websockify's token files, read as they are: lines {@code TOKEN: host:port}, {@code #}
 * comments, one file or a directory of such files (its regular files, in name order; a later
 * entry for the same token wins, as in websockify). Parsed off the event loops: a daemon
 * thread polls the files once a second (mtime, size, inode of each, and the directory's
 * listing) and swaps in a fresh immutable table; {@link #lookup} is one map read. A file that
 * disappears mid-rename keeps the old table. Bad lines are skipped and reported as
 * {@code file:line: message}, as websockify skips them with a log line.
 *
 * <p>A package of its own that imports nothing of ours: both the websockify endpoint and
 * {@code policy check --token-source} read these files.
 */
public final class TokenFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFiles.class);
    static final long PERIOD_MILLIS = 1000;
    /** websockify splits on the first colon followed by whitespace: {@code re.split(r':\s', line)}. */
    private static final Pattern LINE = Pattern.compile("^([^\\s:][^:]*?):\\s+(\\S+)\\s*$");
    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[^\\[\\]:\\s]+):(\\d{1,5})$");

    /** One entry, with where it came from (for {@code policy check}). */
    public record Entry(String token, String target, Path file, int line) {
        public String where() {
            return file + ":" + line;
        }
    }

    /** One read of the source: every entry and every problem. */
    public record Table(Map<String, Entry> entries, List<String> problems) {
    }

    private final Path source;
    private volatile Table table;
    private final Thread watcher;
    private volatile boolean running = true;

    private TokenFiles(Path source, Table first, List<Stamp> firstStamp) {
        this.source = source;
        this.table = first;
        this.watcher = new Thread(() -> watch(firstStamp), "cometgate-token-files");
        this.watcher.setDaemon(true);
    }

    /** Reads {@code source} now (fails if it cannot be read at all) and watches it from then on. */
    public static TokenFiles open(Path source) throws IOException {
        List<Stamp> stamp = stamp(source); // before the read: a change during the read is seen as one
        Table first = read(source);
        first.problems().forEach(p -> LOG.warn("token file: {}", p));
        TokenFiles files = new TokenFiles(source, first, stamp);
        files.watcher.start();
        return files;
    }

    /** The {@code host:port} for {@code token}, or {@code null}. Never blocks. */
    public String lookup(String token) {
        Entry entry = table.entries().get(token);
        return entry == null ? null : entry.target();
    }

    public Table table() {
        return table;
    }

    /** Every entry and problem in {@code source}, a token file or a directory of them. */
    public static Table read(Path source) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files(source)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                parse(file, i + 1, lines.get(i), entries, problems);
            }
        }
        return new Table(Map.copyOf(entries), List.copyOf(problems));
    }

    private static void parse(Path file, int number, String line, Map<String, Entry> entries, List<String> problems) {
        if (line.isBlank() || line.startsWith("#")) {
            return;
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            problems.add(file + ":" + number + ": expected 'TOKEN: host:port', got '" + line.strip() + "'");
            return;
        }
        String target = m.group(2);
        Matcher hp = HOST_PORT.matcher(target);
        if (!hp.matches() || Integer.parseInt(hp.group(2)) == 0 || Integer.parseInt(hp.group(2)) > 65535) {
            problems.add(file + ":" + number + ": target '" + target + "' is not host:port (port 1-65535; "
                    + "IPv6 in brackets, e.g. [::1]:5900)");
            return;
        }
        entries.put(m.group(1), new Entry(m.group(1), normalizeTarget(target), file, number));
    }

    /**
     * {@code localhost:PORT} (common in websockify token files) becomes {@code 127.0.0.1:PORT}:
     * the policy refuses the name {@code localhost} outright (what it resolves to is not its
     * to trust), while the loopback literal is an ordinary, classifiable address.
     */
    public static String normalizeTarget(String hostPort) {
        return hostPort.regionMatches(true, 0, "localhost:", 0, 10) ? "127.0.0.1" + hostPort.substring(9) : hostPort;
    }

    private static List<Path> files(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return List.of(source);
        }
        try (Stream<Path> listing = Files.list(source)) {
            return listing.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private record Stamp(Path file, long modified, long size, Object key) {
    }

    /** The source's state as the watcher compares it; {@code null} while something is unreadable. */
    private static List<Stamp> stamp(Path source) {
        try {
            List<Stamp> stamps = new ArrayList<>();
            for (Path file : files(source)) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(new Stamp(file, a.lastModifiedTime().toMillis(), a.size(), a.fileKey()));
            }
            return stamps;
        } catch (IOException e) {
            return null;
        }
    }

    private void watch(List<Stamp> firstStamp) {
        List<Stamp> last = firstStamp;
        while (running) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            List<Stamp> now = stamp(source);
            if (now != null && !Objects.equals(now, last)) {
                last = now;
                try {
                    Table fresh = read(source);
                    fresh.problems().forEach(p -> LOG.warn("token file: {}", p));
                    table = fresh;
                    LOG.info("token files reloaded from {}: {} token(s)", source, fresh.entries().size());
                } catch (IOException e) {
                    LOG.warn("token files: cannot read {} ({}); keeping the previous {} token(s)", source, e.toString(),
                            table.entries().size());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
