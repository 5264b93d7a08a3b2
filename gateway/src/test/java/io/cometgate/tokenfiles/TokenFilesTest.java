package io.cometgate.tokenfiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** websockify token files read as websockify reads them, and reloaded when they change. */
class TokenFilesTest {

    @TempDir
    Path dir;

    @Test
    void linesAreTokenColonSpaceHostPortWithCommentsAndBlankLinesSkipped() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"),
                "# noVNC targets\nvnc1: 127.0.0.1:5900\nvnc2:\t192.0.2.7:5901  \n\nv6: [::1]:5902\nhost-name: vnc.internal:5903\n");
        TokenFiles.Table t = TokenFiles.read(file);
        assertEquals(List.of(), t.problems());
        assertEquals("127.0.0.1:5900", t.entries().get("vnc1").target());
        assertEquals("192.0.2.7:5901", t.entries().get("vnc2").target());
        assertEquals("[::1]:5902", t.entries().get("v6").target());
        assertEquals("vnc.internal:5903", t.entries().get("host-name").target());
        assertEquals(file + ":6", t.entries().get("host-name").where());
    }

    @Test
    void badLinesAreSkippedAndReportedWithFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"),
                "ok: 127.0.0.1:5900\nno-separator 127.0.0.1:5901\nnoport: 127.0.0.1\nbigport: 127.0.0.1:70000\n");
        TokenFiles.Table t = TokenFiles.read(file);
        assertEquals(1, t.entries().size());
        assertEquals(List.of(
                file + ":2: expected 'TOKEN: host:port', got 'no-separator 127.0.0.1:5901'",
                file + ":3: target '127.0.0.1' is not host:port (port 1-65535; IPv6 in brackets, e.g. [::1]:5900)",
                file + ":4: target '127.0.0.1:70000' is not host:port (port 1-65535; IPv6 in brackets, e.g. [::1]:5900)"),
                t.problems());
    }

    @Test
    void aDirectoryIsEveryRegularFileInNameOrderTheLaterEntryWinning() throws Exception {
        Files.writeString(dir.resolve("a"), "vnc1: 127.0.0.1:5900\nshared: 127.0.0.1:1\n");
        Files.writeString(dir.resolve("b"), "vnc2: 127.0.0.1:5901\nshared: 127.0.0.1:2\n");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("c"), "ignored: 127.0.0.1:3\n");
        TokenFiles.Table t = TokenFiles.read(dir);
        assertEquals(3, t.entries().size());
        assertEquals("127.0.0.1:2", t.entries().get("shared").target());
        assertNull(t.entries().get("ignored"));
    }

    @Test
    void aChangedFileIsReloadedAndAnEditorsRenameToo() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "vnc1: 127.0.0.1:5900\n");
        try (TokenFiles files = TokenFiles.open(file)) {
            assertEquals("127.0.0.1:5900", files.lookup("vnc1"));
            assertNull(files.lookup("vnc2"));
            Path edited = Files.writeString(dir.resolve(".tokens.swp"), "vnc1: 127.0.0.1:5910\nvnc2: 127.0.0.1:5901\n");
            Files.move(edited, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitLookup(files, "vnc2", "127.0.0.1:5901");
            assertEquals("127.0.0.1:5910", files.lookup("vnc1"));
        }
    }

    @Test
    void aFileAddedToTheDirectoryIsPickedUp() throws Exception {
        Files.writeString(dir.resolve("a"), "vnc1: 127.0.0.1:5900\n");
        try (TokenFiles files = TokenFiles.open(dir)) {
            Files.writeString(dir.resolve("b"), "vnc2: 127.0.0.1:5901\n");
            awaitLookup(files, "vnc2", "127.0.0.1:5901");
        }
    }

    private static void awaitLookup(TokenFiles files, String token, String expected) throws InterruptedException {
        for (int i = 0; i < 50 && !expected.equals(files.lookup(token)); i++) {
            Thread.sleep(100);
        }
        assertEquals(expected, files.lookup(token));
    }
}
