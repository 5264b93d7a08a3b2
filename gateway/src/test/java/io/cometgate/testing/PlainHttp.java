package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET over a fresh connection, with the Host header the test chooses (the JDK
 * client refuses to set Host, and the policy's host allowlist needs a fixed name while the
 * gateway's port is picked at random).
 */
public final class PlainHttp {

    /** Status code and body. */
    public record Response(int status, String body) { }

    private PlainHttp() {
    }

    public static Response get(InetSocketAddress address, String path, String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || headerEnd < 0) {
                throw new IOException("not an HTTP response: " + text);
            }
            return new Response(Integer.parseInt(text.substring(9, 12)), text.substring(headerEnd + 4));
        }
    }
}
