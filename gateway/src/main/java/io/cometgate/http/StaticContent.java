package io.cometgate.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files the gateway serves itself: the demo page and the browser client (js-client/src,
 * copied into the jar under web/js). Read from the jar once, then served from memory.
 */
final class StaticContent {

    record Asset(byte[] bytes, String contentType) { }

    private static final Asset MISSING = new Asset(new byte[0], "");

    /**
     * The one URL pages import. The client's modules import each other relatively, so this
     * entry re-exports them from /js/ rather than being index.js itself.
     */
    private static final Asset ENTRY = new Asset(
            "export * from './js/index.js';\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "text/javascript; charset=utf-8");

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** The asset for a request path, or {@code null}. Paths with {@code ..} never resolve. */
    Asset find(String path) {
        if (path.equals("/cometgate.js")) {
            return ENTRY;
        }
        String resource = resourceFor(path);
        if (resource == null) {
            return null;
        }
        Asset asset = cache.computeIfAbsent(resource, StaticContent::load);
        return asset == MISSING ? null : asset;
    }

    private static String resourceFor(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return "web/index.html";
        }
        if (path.equals("/demo.js")) {
            return "web/demo.js";
        }
        if (path.startsWith("/js/") && !path.contains("..") && path.matches("/js/[A-Za-z0-9_./-]+\\.(js|d\\.ts)")) {
            return "web" + path;
        }
        return null;
    }

    private static Asset load(String resource) {
        try (InputStream in = StaticContent.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return MISSING;
            }
            return new Asset(in.readAllBytes(), StaticFiles.contentType(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
