package io.cometgate.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S8's hostile neighbours: N clients of one kind, each on its own thread with a blocking socket
 * that never reads what the gateway sends (except where an attack needs an answer to go on).
 * An attacker the gateway disconnects starts over after a pause, so the pressure lasts the
 * whole phase. Written from docs/PROTOCOL.md with raw bytes: no client library would send this.
 */
final class Attackers implements AutoCloseable {

    /** The attack kinds of issue 11's hostile-neighbour list. */
    enum Kind {
        PIPELINER, UPLOADER, WS_DOWNLOADER, XHR_DOWNLOADER, SLOWLORIS, WS_TRICKLE, MALFORMED;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");
    private static final long RETRY_MILLIS = 500;
    /**
     * The client-side send buffer of an attacker socket. Left to the kernel, it grows to
     * {@code tcp_wmem}'s maximum (4 MiB) for a peer that does not read, and a pipeliner wrote
     * some 4 MiB in 54-byte writes before blocking: 100 of them kept 100 client threads
     * runnable for seconds, which on a shared machine starved the gateway and the canary of
     * CPU (the canary's upgrade waited unread with the gateway's loops runnable, not busy).
     * The gateway's side (what it reads, pins and answers) does not change with it.
     */
    private static final int SEND_BUFFER = 16 * 1024;
    /** Pipelined GETs per write: one system call each, as a real pipeliner would batch them. */
    private static final int PIPELINED_PER_WRITE = 256;

    private final InetSocketAddress gateway;
    private final String host;
    private final String target;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final java.util.concurrent.atomic.LongAdder written = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean running = true;

    /** @param target what the attackers' channels open: the bench backend's host:port */
    Attackers(InetSocketAddress gateway, String target) {
        this.gateway = gateway;
        this.host = gateway.getAddress().getHostAddress() + ":" + gateway.getPort();
        this.target = target;
    }

    void start(Kind kind, int count) {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(null, () -> loop(kind), "attacker-" + kind.label() + "-" + i, 256 * 1024);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    private void loop(Kind kind) {
        while (running) {
            Socket socket = null;
            try {
                socket = connect();
                attack(kind, socket);
            } catch (IOException | RuntimeException e) {
                // the gateway closed it, as it may: start over
            } catch (InterruptedException e) {
                return;
            } finally {
                forget(socket);
            }
            pause(RETRY_MILLIS);
        }
    }

    private void forget(Socket socket) {
        if (socket != null) {
            synchronized (sockets) {
                sockets.remove(socket);
            }
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSendBufferSize(SEND_BUFFER);
        socket.connect(gateway, 5_000);
        synchronized (sockets) {
            sockets.add(socket);
        }
        return socket;
    }

    private void attack(Kind kind, Socket socket) throws IOException, InterruptedException {
        OutputStream out = socket.getOutputStream();
        switch (kind) {
            case PIPELINER -> {
                byte[] burst = ("GET /js/session.js HTTP/1.1\r\nHost: " + host + "\r\n\r\n").repeat(PIPELINED_PER_WRITE)
                        .getBytes(StandardCharsets.US_ASCII);
                while (running) {
                    out.write(burst); // blocks for good once the gateway stops reading
                    written.add(burst.length);
                }
            }
            case UPLOADER -> {
                upgrade(socket);
                out.write(wsMessage(frame(0x01, 1, 1, ("{\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8))));
                // The initial window's worth of DATA, then nothing: never an ACK of the CREDITs it earns.
                for (int seq = 2; seq < 2 + 120 && running; seq++) {
                    out.write(wsMessage(frame(0x03, 1, seq, new byte[1024])));
                }
                hold();
            }
            case WS_DOWNLOADER -> {
                upgrade(socket);
                out.write(wsMessage(concat(frame(0x01, 1, 1, ("{\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8)),
                        frame(0x03, 1, 2, new byte[] {BenchBackend.SOURCE}))));
                hold();
            }
            case XHR_DOWNLOADER -> {
                String session = newSession();
                post("/cometgate/send?s=" + session, concat(
                        frame(0x01, 1, 1, ("{\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8)),
                        frame(0x03, 1, 2, new byte[] {BenchBackend.SOURCE})));
                out.write(("GET /cometgate/xhr-streaming?s=" + session + "&ack=0&binary=1 HTTP/1.1\r\nHost: " + host
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                hold();
            }
            case SLOWLORIS -> {
                out.write(("GET /cometgate/ws HTTP/1.1\r\nHost: " + host + "\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII));
                trickle(out);
            }
            case WS_TRICKLE -> {
                upgrade(socket);
                out.write(wsHeader(120 * 1024));
                trickle(out);
            }
            case MALFORMED -> malformed(socket);
        }
    }

    /** One bad input per connection, in turn: a huge message, a lying length, bad JSON, a huge body. */
    private void malformed(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        switch (ThreadLocalRandom.current().nextInt(4)) {
            case 0 -> {
                upgrade(socket);
                out.write(wsHeader(1L << 40));
            }
            case 1 -> {
                upgrade(socket);
                out.write(wsMessage(java.util.Arrays.copyOf(frame(0x03, 1, 1, new byte[100]), 40)));
            }
            case 2 -> {
                upgrade(socket);
                out.write(wsMessage(frame(0x01, 1, 1, "{\"target\":\"{[".getBytes(StandardCharsets.UTF_8))));
            }
            default -> out.write(("POST /cometgate/send?s=x HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: "
                    + (1 << 30) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        socket.getInputStream().readAllBytes(); // until the gateway closes it
    }

    private void hold() throws InterruptedException {
        while (running) {
            Thread.sleep(200);
        }
    }

    private void trickle(OutputStream out) throws IOException, InterruptedException {
        while (running) {
            Thread.sleep(100);
            out.write('x');
            out.flush();
        }
    }

    private void upgrade(Socket socket) throws IOException {
        socket.getOutputStream().write(("GET /cometgate/ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    private String newSession() throws IOException {
        String answer = post("/cometgate/session", new byte[0]);
        Matcher m = SESSION.matcher(answer);
        if (!m.find()) {
            throw new IOException("no session: " + answer);
        }
        return m.group(1);
    }

    private String post(String path, byte[] body) throws IOException {
        Socket socket = connect();
        try {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } finally {
            forget(socket);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static byte[] frame(int type, int channel, int seq, byte[] payload) {
        return ByteBuffer.allocate(13 + payload.length).put((byte) type).putInt(channel).putInt(seq)
                .putInt(payload.length).put(payload).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A masked binary message header (mask 0, so the payload goes as it is). */
    private static byte[] wsHeader(long length) {
        ByteBuffer header = ByteBuffer.allocate(14).put((byte) 0x82);
        if (length < 126) {
            header.put((byte) (0x80 | length));
        } else if (length < 65_536) {
            header.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            header.put((byte) (0x80 | 127)).putLong(length);
        }
        header.putInt(0);
        return java.util.Arrays.copyOf(header.array(), header.position());
    }

    private static byte[] wsMessage(byte[] payload) {
        return concat(wsHeader(payload.length), payload);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes the pipeliners have written so far. */
    long written() {
        return written.sum();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        synchronized (sockets) {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        for (Thread t : threads) {
            t.join(2_000);
        }
    }
}
