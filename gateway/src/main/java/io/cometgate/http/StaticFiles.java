package io.cometgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * {@code serve --static DIR}: a read-only view of one directory at the site root, so an
 * application page (the examples) is served from the gateway's own origin. Only regular files
 * whose real path lies under DIR are served; every path segment must be a plain name (no
 * {@code ..}, no hidden files, no encoded separators), so neither traversal nor a symlink out of
 * DIR reaches anything else. Files are read on one worker thread, never on an event loop.
 */
public final class StaticFiles implements AutoCloseable {

    /** Larger files are refused: this serves pages and scripts, not downloads. */
    static final long MAX_FILE_BYTES = 8L * 1024 * 1024;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("ts", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/plain; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("wasm", "application/wasm"));

    /**
     * What {@code --static} pages run under unless {@code --csp} says otherwise. Ordinary apps
     * need inline scripts and styles, {@code blob:} workers (e.g. an MQTT client's keep-alive
     * timer) and images from {@code data:}/{@code blob:}; everything still loads only from this
     * origin, and connections go only to it (the gateway's own endpoints, ws: and wss:).
     */
    public static final String DEFAULT_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "worker-src 'self' blob:; connect-src 'self' ws: wss:; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'";

    private final Path root;
    private final String contentSecurityPolicy;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cometgate-static-files");
        t.setDaemon(true);
        return t;
    });

    private StaticFiles(Path root, String contentSecurityPolicy) {
        this.root = root;
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /** {@link #open(Path, String)} with {@link #DEFAULT_CSP}. */
    public static StaticFiles open(Path dir) {
        return open(dir, DEFAULT_CSP);
    }

    /**
     * @throws IllegalArgumentException naming the directory and the fix when it is unusable
     */
    public static StaticFiles open(Path dir, String contentSecurityPolicy) {
        String csp = contentSecurityPolicy.strip();
        if (csp.isEmpty() || csp.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("--csp: give one Content-Security-Policy value on one line, e.g. \""
                    + DEFAULT_CSP + "\"");
        }
        try {
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("--static " + dir + ": not a directory (give the directory holding index.html)");
            }
            return new StaticFiles(real, csp);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--static " + dir + ": no such directory");
        } catch (IOException e) {
            throw new IllegalArgumentException("--static " + dir + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    Path root() {
        return root;
    }

    /** The Content-Security-Policy header value of every page served from DIR. */
    String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /**
     * The file a decoded request path names, or {@code null} if the path is not a plain name
     * under the root. {@code /} and paths ending in {@code /} mean {@code index.html} there.
     * Does no I/O: the result may still not exist.
     */
    Path candidate(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String relative = path.endsWith("/") ? path.substring(1) + "index.html" : path.substring(1);
        Path file = root;
        for (String segment : relative.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.contains("..")) {
                return null;
            }
            file = file.resolve(segment);
        }
        return file;
    }

    /** What {@link #serve} answers, decided off the event loop. */
    record Answer(HttpResponseStatus status, String contentType, byte[] body, String reason) {
    }

    /** Reads the file for {@code path}: blocking, so only on the worker thread (or in tests). */
    Answer read(String path) {
        Path file = candidate(path);
        if (file == null) {
            return notFound(path);
        }
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return notFound(path);
            }
            if (Files.size(real) > MAX_FILE_BYTES) {
                return new Answer(HttpResponseStatus.FORBIDDEN, null, null, "file over " + MAX_FILE_BYTES + " bytes: " + path);
            }
            return new Answer(HttpResponseStatus.OK, contentType(real.getFileName().toString()), Files.readAllBytes(real), null);
        } catch (NoSuchFileException e) {
            return notFound(path);
        } catch (IOException e) {
            return new Answer(HttpResponseStatus.NOT_FOUND, null, null, "cannot read " + path);
        }
    }

    private static Answer notFound(String path) {
        return new Answer(HttpResponseStatus.NOT_FOUND, null, null, "no such path: " + path);
    }

    static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /**
     * Answers a GET or HEAD for {@code path} on {@code channel} from the worker thread (the HTTP
     * codec drops the body of a HEAD response). The connection closes afterwards, so a pipelined
     * request can never overtake this response.
     */
    void serve(Channel channel, String path, HttpHeaders pageHeaders) {
        reader.execute(() -> {
            Answer answer = read(path);
            if (answer.status() != HttpResponseStatus.OK) {
                HttpResponses.error(channel, answer.status(), answer.reason(), false, null);
                return;
            }
            HttpResponses.send(channel, HttpResponseStatus.OK, answer.contentType(),
                    Unpooled.wrappedBuffer(answer.body()), false, pageHeaders);
        });
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
