package io.cometgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A minimal protocol client (docs/PROTOCOL.md) over the {@code websocket} transport, written
 * from the documents rather than reusing gateway code, so the tests check the wire format too.
 * Blocking and single-threaded: one test drives it. A raw socket rather than a WebSocket
 * library because the tests need what libraries hide: the local address the connection
 * comes from (a "trusted proxy" is 127.0.0.2), arbitrary headers (X-Forwarded-For, Host).
 */
public final class WsClient implements AutoCloseable {

    public static final int OPEN = 0x01;
    public static final int OPENED = 0x02;
    public static final int DATA = 0x03;
    public static final int CLOSE = 0x04;
    public static final int CREDIT = 0x05;
    public static final int ACK = 0x06;
    public static final int SESSION_CLOSE = 0x08;
    public static final int HELLO = 0x09;

    /** One protocol frame as received. */
    public record Frame(int type, int channel, long seq, byte[] payload) {
        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private long nextSeq = 1;
    private long lastReceived;
    private Integer webSocketClose;
    private String hello;
    private Frame sessionClose;
    private boolean acking = true;

    private WsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A client with {@code Host} and {@code Origin} headers, connecting from 127.0.0.1. */
    public static WsClient connect(InetSocketAddress gateway, String host, String origin) throws IOException {
        return connect(gateway, InetAddress.getByName("127.0.0.1"), headers(host, origin));
    }

    public static Map<String, String> headers(String host, String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        headers.put("Origin", origin);
        return headers;
    }

    /** Connects from {@code local}, upgrades with {@code headers}, and reads the HELLO. */
    public static WsClient connect(InetSocketAddress gateway, InetAddress local, Map<String, String> headers)
            throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        socket.setTcpNoDelay(true); // small messages that wait for an answer (credit) must not wait for Nagle
        socket.connect(gateway, 5_000);
        return over(socket, headers);
    }

    /** Upgrades over an already connected socket (a TLS socket, for instance) and reads the HELLO. */
    public static WsClient over(Socket connected, Map<String, String> headers) throws IOException {
        WsClient client = new WsClient(connected);
        try {
            client.handshake(headers);
            Frame hello = client.await(f -> f.type() == HELLO, Duration.ofSeconds(10));
            client.hello = hello.text();
        } catch (IOException | RuntimeException e) {
            connected.close();
            throw e;
        }
        return client;
    }

    private void handshake(Map<String, String> headers) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        StringBuilder request = new StringBuilder("GET /cometgate/ws HTTP/1.1\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout(10_000);
        String status = readLine();
        StringBuilder rest = new StringBuilder();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            rest.append(line).append('\n');
        }
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade refused: " + status + "\n" + rest);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    public String hello() {
        return hello;
    }

    /** Sends OPEN for {@code channel} (odd, increasing) with {@code {"target":...}}. */
    public void open(int channel, String target) throws IOException {
        sendFrame(OPEN, channel, ("{\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    public void send(int channel, byte[] data) throws IOException {
        sendFrame(DATA, channel, data);
    }

    private void sendFrame(int type, int channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(13 + payload.length);
        frame.put((byte) type).putInt(channel).putInt((int) nextSeq++).putInt(payload.length).put(payload);
        writeMessage(frame.array());
    }

    /** Whether the client acknowledges what it receives (a hostile client does not). */
    public void acking(boolean on) {
        acking = on;
    }

    /** Acknowledges everything received so far, now. */
    public void ackNow() throws IOException {
        sendAck();
    }

    private void sendAck() throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(17);
        frame.put((byte) ACK).putInt(0).putInt(0).putInt(4).putInt((int) lastReceived);
        writeMessage(frame.array());
    }

    /** One masked binary WebSocket message (RFC 6455 5.2, 5.3). */
    private void writeMessage(byte[] payload) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(payload.length + 14);
        message.write(0x82);
        if (payload.length < 126) {
            message.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            message.write(0x80 | 126);
            message.write(payload.length >>> 8);
            message.write(payload.length);
        } else {
            message.write(0x80 | 127);
            message.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        message.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            message.write(payload[i] ^ mask[i & 3]);
        }
        out.write(message.toByteArray());
        out.flush();
    }

    /**
     * The next frame matching {@code wanted}; frames before it are dropped (the tests look for
     * one event at a time). Fails if the connection ends or nothing matches within {@code bound}.
     */
    public Frame await(Predicate<Frame> wanted, Duration bound) throws IOException {
        long end = System.nanoTime() + bound.toNanos();
        while (true) {
            while (!pending.isEmpty()) {
                Frame frame = pending.poll();
                if (frame.type() == SESSION_CLOSE) {
                    sessionClose = frame;
                }
                if (wanted.test(frame)) {
                    return frame;
                }
            }
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no matching frame within " + bound);
            }
            socket.setSoTimeout((int) left);
            if (!readMessage()) {
                throw new EOFException("the gateway closed the WebSocket (close code " + webSocketClose + ")"
                        + (sessionClose == null ? "" : " after SESSION_CLOSE " + sessionClose.closeCode() + " "
                        + sessionClose.closeReason()));
            }
        }
    }

    /** The CLOSE the gateway sends for {@code channel}. */
    public Frame awaitClose(int channel, Duration bound) throws IOException {
        return await(f -> f.type() == CLOSE && f.channel() == channel, bound);
    }

    /** Reads DATA for {@code channel} until {@code n} bytes arrived. */
    public byte[] readData(int channel, int n, Duration bound) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (data.size() < n) {
            Frame f = await(x -> x.channel() == channel && (x.type() == DATA || x.type() == CLOSE), bound);
            if (f.type() == CLOSE) {
                throw new EOFException("channel " + channel + " closed with " + f.closeCode() + " " + f.closeReason());
            }
            data.writeBytes(f.payload());
        }
        return data.toByteArray();
    }

    /** Reads one WebSocket message into {@link #pending}; false when the WebSocket ended. */
    private boolean readMessage() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return false;
            }
            int b1 = readByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("a server must not mask its frames");
            }
            byte[] payload = in.readNBytes((int) length);
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                webSocketClose = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                return false;
            }
            if (opcode == 0x9 || opcode == 0xA) {
                continue; // ping/pong: the gateway does not ping; ignore either way
            }
            message.writeBytes(payload);
            if ((b0 & 0x80) != 0) {
                break;
            }
        }
        decodeBatch(ByteBuffer.wrap(message.toByteArray()));
        return true;
    }

    private void decodeBatch(ByteBuffer batch) throws IOException {
        boolean sequenced = false;
        while (batch.remaining() >= 13) {
            int type = batch.get() & 0xff;
            int channel = batch.getInt();
            long seq = batch.getInt() & 0xffffffffL;
            byte[] payload = new byte[batch.getInt()];
            batch.get(payload);
            if (seq != 0) {
                sequenced = true;
                if (seq <= lastReceived) {
                    continue; // a resend we already have
                }
                lastReceived = seq;
            }
            pending.add(new Frame(type, channel, seq, payload));
        }
        if (batch.hasRemaining()) {
            throw new IOException("truncated frame in a batch from the gateway");
        }
        if (sequenced && acking) {
            try {
                sendAck();
            } catch (IOException closing) {
                // the gateway may already have closed; the next read says so
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("WebSocket frame cut short");
        }
        return b;
    }

    /** The WebSocket close code the gateway sent, or {@code null} if none arrived yet. */
    public Integer webSocketCloseCode() {
        return webSocketClose;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
