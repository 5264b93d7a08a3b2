package io.cometgate.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an attacker writes: raw bytes on a socket, with only as much HTTP and WebSocket as the
 * attack needs (a client library would refuse to send most of it).
 */
final class RawHttp {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");

    private RawHttp() {
    }

    static Socket connect(InetSocketAddress gateway) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // a non-reader should not hide the gateway's output in a big kernel buffer
        socket.connect(gateway, 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static String request(String method, String path, String extraHeaders, int contentLength) {
        return method + " " + path + " HTTP/1.1\r\nHost: " + HostileGateway.HOST + "\r\nOrigin: " + HostileGateway.ORIGIN
                + "\r\n" + extraHeaders + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n";
    }

    /** POST {@code path} with {@code body} on a fresh connection; the status line's code and the body. */
    static Answer post(InetSocketAddress gateway, String path, byte[] body) throws IOException {
        try (Socket socket = connect(gateway)) {
            OutputStream out = socket.getOutputStream();
            out.write(request("POST", path, "Connection: close\r\nContent-Type: text/plain\r\n", body.length)
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
            } catch (IOException refusedEarly) {
                // answered and closed before the whole body went out (413): read the answer
            }
            return answer(socket.getInputStream());
        }
    }

    /** As {@link #post}, but the status, or -1 if the connection was reset before an answer could be read. */
    static int postOrReset(InetSocketAddress gateway, String path, byte[] body) throws IOException {
        try {
            return post(gateway, path, body).status();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    record Answer(int status, String body) { }

    static Answer answer(InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + text);
        }
        int end = text.indexOf("\r\n\r\n");
        return new Answer(Integer.parseInt(text.substring(9, 12)), end < 0 ? "" : text.substring(end + 4));
    }

    /** A new session over {@code POST /session}: its id. */
    static String newSession(InetSocketAddress gateway) throws IOException {
        Answer hello = post(gateway, "/cometgate/session", new byte[0]);
        Matcher m = SESSION.matcher(hello.body());
        if (hello.status() != 200 || !m.find()) {
            throw new IOException("no session: " + hello);
        }
        return m.group(1);
    }

    /** One protocol frame (docs/PROTOCOL.md "Frames"). */
    static byte[] frame(int type, int channel, long seq, byte[] payload) {
        return ByteBuffer.allocate(13 + payload.length).put((byte) type).putInt(channel).putInt((int) seq)
                .putInt(payload.length).put(payload).array();
    }

    static byte[] open(int channel, String target) {
        return frame(0x01, channel, 1, ("{\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** A WebSocket upgrade on {@code socket}; reads the 101 answer's headers (not the HELLO after it). */
    static void upgrade(Socket socket) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        socket.getOutputStream().write(request("GET", "/cometgate/ws", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n", -1)
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** The header of a masked binary WebSocket message of {@code length} bytes (RFC 6455 5.2), mask 0. */
    static byte[] wsHeader(long length) {
        ByteBuffer header = ByteBuffer.allocate(14).put((byte) 0x82);
        if (length < 126) {
            header.put((byte) (0x80 | length));
        } else if (length < 65_536) {
            header.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            header.put((byte) (0x80 | 127)).putLong(length);
        }
        header.putInt(0); // a zero mask: the payload goes as it is
        return java.util.Arrays.copyOf(header.array(), header.position());
    }

    static byte[] wsMessage(byte[] payload) {
        byte[] header = wsHeader(payload.length);
        byte[] message = java.util.Arrays.copyOf(header, header.length + payload.length);
        System.arraycopy(payload, 0, message, header.length, payload.length);
        return message;
    }

    /**
     * The WebSocket close code the gateway ends with, reading past everything else; -1 if the
     * connection ended without a close frame.
     */
    static int wsCloseCode(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return -1;
            }
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            byte[] payload = in.readNBytes((int) length);
            if ((b0 & 0x0f) == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            }
        }
    }
}
