package io.cometgate.it;

import io.cometgate.testing.process.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 12: the Content-Security-Policy of {@code --static} pages lets an ordinary app
 * run (inline scripts, blob: workers), and an operator can replace it with {@code --csp} or
 * {@code COMETGATE_CSP}. The bundled client scripts keep their strict policy.
 */
@Timeout(120)
class StaticPageCspIT {

    @TempDir
    Path site;

    private static String head(InetSocketAddress address, String path) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.substring(0, answer.indexOf("\r\n\r\n"));
        }
    }

    private static String csp(String head) {
        return head.lines().filter(l -> l.regionMatches(true, 0, "content-security-policy:", 0, 24))
                .map(l -> l.substring(24).strip()).findFirst().orElse("(none)");
    }

    @Test
    void staticPagesAllowInlineScriptsAndBlobWorkersByDefaultAndTheOperatorCanReplaceThePolicy() throws Exception {
        Files.writeString(site.resolve("index.html"), "<script>window.ok = 1</script>");
        try (GatewayProcess byDefault = GatewayProcess.start("--listen", "127.0.0.1:0", "--static", site.toString());
             GatewayProcess fromEnv = GatewayProcess.start(Map.of("COMETGATE_CSP", "default-src 'none'"), 1,
                     "--listen", "127.0.0.1:0", "--static", site.toString());
             GatewayProcess fromFlag = GatewayProcess.start("--listen", "127.0.0.1:0", "--static", site.toString(),
                     "--csp", "default-src 'self'; worker-src blob:")) {
            String page = head(byDefault.http(), "/");
            assertTrue(page.startsWith("HTTP/1.1 200"), page);
            String policy = csp(page);
            assertTrue(policy.contains("script-src 'self' 'unsafe-inline'"), policy);
            assertTrue(policy.contains("worker-src 'self' blob:"), policy);
            assertTrue(policy.contains("connect-src 'self' ws: wss:"), policy);
            assertTrue(csp(head(byDefault.http(), "/cometgate.js")).startsWith("default-src 'self'; style-src"),
                    "the bundled client keeps the strict policy");
            assertEquals("default-src 'none'", csp(head(fromEnv.http(), "/")));
            assertEquals("default-src 'self'; worker-src blob:", csp(head(fromFlag.http(), "/")));
        }
    }
}
