package io.cometgate.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticFilesTest {

    @TempDir
    Path tmp;

    private Path site;
    private StaticFiles files;

    @BeforeEach
    void site() throws IOException {
        site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>page</h1>");
        Files.writeString(site.resolve("app.js"), "export const x = 1;");
        Files.writeString(site.resolve("style.css"), "body{}");
        Files.writeString(site.resolve(".env"), "SECRET=1");
        Files.createDirectories(site.resolve("sub"));
        Files.writeString(site.resolve("sub/index.html"), "<p>sub</p>");
        Files.writeString(tmp.resolve("outside.txt"), "outside the root");
        files = StaticFiles.open(site);
    }

    @Test
    void theRootServesIndexHtmlAsHtml() {
        StaticFiles.Answer answer = files.read("/");
        assertEquals(HttpResponseStatus.OK, answer.status());
        assertEquals("text/html; charset=utf-8", answer.contentType());
        assertArrayEquals("<h1>page</h1>".getBytes(StandardCharsets.UTF_8), answer.body());
    }

    @Test
    void scriptsAndStylesGetTheirContentTypes() {
        assertEquals("text/javascript; charset=utf-8", files.read("/app.js").contentType());
        assertEquals("text/css; charset=utf-8", files.read("/style.css").contentType());
        assertEquals("application/octet-stream", StaticFiles.contentType("data.bin"));
    }

    @Test
    void aDirectoryPathWithATrailingSlashServesItsIndex() {
        assertArrayEquals("<p>sub</p>".getBytes(StandardCharsets.UTF_8), files.read("/sub/").body());
    }

    @Test
    void aDirectoryItselfIsNotAFile() {
        assertEquals(HttpResponseStatus.NOT_FOUND, files.read("/sub").status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../outside.txt", "/sub/../../outside.txt", "/..", "/.env", "/sub/..%2f..",
            "/a\\..\\outside.txt", "//etc/passwd", "/sub//index.html", "relative.html", "/app.js\u0000.html",
            "/...", "/sub/.hidden", "/missing.html"})
    void pathsThatAreNotPlainNamesUnderTheRootAreNotFound(String path) {
        StaticFiles.Answer answer = files.read(path);
        assertEquals(HttpResponseStatus.NOT_FOUND, answer.status(), path);
        assertNull(answer.body());
    }

    @Test
    void aSymlinkLeadingOutOfTheRootIsNotFollowed() throws IOException {
        Files.createSymbolicLink(site.resolve("escape.txt"), tmp.resolve("outside.txt"));
        Files.createSymbolicLink(site.resolve("up"), tmp);
        assertEquals(HttpResponseStatus.NOT_FOUND, files.read("/escape.txt").status());
        assertEquals(HttpResponseStatus.NOT_FOUND, files.read("/up/outside.txt").status());
    }

    @Test
    void aSymlinkInsideTheRootIsServed() throws IOException {
        Files.createSymbolicLink(site.resolve("alias.js"), site.resolve("app.js"));
        assertEquals(HttpResponseStatus.OK, files.read("/alias.js").status());
    }

    @Test
    void aMissingOrNonDirectoryRootIsAUsageErrorNamingIt() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> StaticFiles.open(tmp.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope: no such directory"), missing.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> StaticFiles.open(tmp.resolve("outside.txt")));
        assertTrue(file.getMessage().contains("not a directory"), file.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "default-src 'self'\r\nX-Injected: 1"})
    void aContentSecurityPolicyThatIsNotOneNonEmptyLineIsRefusedNamingTheFlag(String csp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaticFiles.open(site, csp));
        assertTrue(e.getMessage().startsWith("--csp: "), e.getMessage());
    }
}
