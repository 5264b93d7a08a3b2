package io.cometgate.websockify;

import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flow control on the websockify-compatible endpoint: a side that stops reading stops the
 * other side's writer once the buffers on the way are full (kernel buffers, one write-buffer
 * high-water mark, one read), instead of the gateway queueing without bound.
 */
class WebsockifyBackpressureIT {

    /** Far above what the socket buffers on the way can hold, far below what 3 s of loopback carry. */
    private static final long BOUND = 48L << 20;

    private ServerSocket backend;
    private final AtomicLong backendWrote = new AtomicLong();
    private RawGateway gateway;

    @BeforeEach
    void start() throws Exception {
        backend = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        gateway = new RawGateway(new TokenTargets(Map.of("firehose", "127.0.0.1:" + backend.getLocalPort())::get));
        gateway.decider.allowPort(backend.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    @Test
    void aBrowserThatStopsReadingStopsTheBackendWriter() throws Exception {
        Thread source = daemon(() -> {
            try (Socket s = backend.accept()) {
                byte[] chunk = new byte[64 * 1024];
                OutputStream out = s.getOutputStream();
                while (true) {
                    out.write(chunk);
                    backendWrote.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the gateway closed it at the end of the test
            }
        });
        try (Socket client = handshake()) {
            long settled = settle(backendWrote);
            assertTrue(settled > 0, "the backend wrote something");
            assertTrue(settled < BOUND, "backend wrote " + settled + " bytes into a client that reads nothing");
        }
        source.interrupt();
    }

    @Test
    void aBackendThatStopsReadingStopsTheBrowserWriter() throws Exception {
        daemon(() -> {
            try (Socket s = backend.accept()) {
                Thread.sleep(60_000); // accepts, never reads
            } catch (IOException | InterruptedException e) {
                // end of test
            }
        });
        AtomicLong clientWrote = new AtomicLong();
        try (Socket client = handshake()) {
            OutputStream out = client.getOutputStream();
            daemon(() -> {
                byte[] frame = maskedBinaryFrame(new byte[16 * 1024]);
                try {
                    while (true) {
                        out.write(frame);
                        clientWrote.addAndGet(frame.length);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            long settled = settle(clientWrote);
            assertTrue(settled > 0, "the client wrote something");
            assertTrue(settled < BOUND, "client wrote " + settled + " bytes toward a backend that reads nothing");
        }
    }

    /** Waits until {@code counter} stops moving for a second (at most 15 s), and returns it. */
    private static long settle(AtomicLong counter) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 15; i++) {
            Thread.sleep(1000);
            long now = counter.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("still writing after 15 s: " + counter.get() + " bytes, no backpressure");
    }

    private Socket handshake() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(gateway.uri("/").getPort() + ""));
        s.getOutputStream().write(("GET /websockify?token=firehose HTTP/1.1\r\nHost: 127.0.0.1:" + s.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\nOrigin: " + TestDecider.ORIGIN
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertEquals("HTTP/1.1 101", head.substring(0, 12), head.toString());
        return s;
    }

    private static byte[] maskedBinaryFrame(byte[] payload) {
        byte[] frame = new byte[4 + 4 + payload.length];
        frame[0] = (byte) 0x82;
        frame[1] = (byte) (0x80 | 126);
        frame[2] = (byte) (payload.length >> 8);
        frame[3] = (byte) payload.length;
        // mask key 0: the payload goes as is
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "backpressure-test");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
