package io.cometgate.hostile;

import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.PlainHttp;
import io.cometgate.testing.TestDecider;
import io.cometgate.testing.WsClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One connection pipelines thousands of GETs for the 24 KB client script and never reads
 * the answers. Each answer written but not sent is kept (on NIO with a direct copy of its body); a gateway that keeps
 * reading such a connection pins without bound and finally starves an event loop.
 */
@Timeout(60)
class PipeliningNonReaderIT {

    private static final int REQUESTS = 20_000;
    private static final long MIB = 1024 * 1024;

    private GatewayFixture gateway;
    private final List<Socket> attackers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.withEcho();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : attackers) {
            socket.close();
        }
        gateway.close();
    }

    /** Heap in use after a collection plus Netty's direct memory: what the gateway holds. */
    private static long memoryInUse() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory()
                + ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    /** Writes the pipelined requests from a daemon thread: the writes block once the gateway stops reading. */
    private Thread pipelineWithoutReading(int requests) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), gateway.port()), 5_000);
        attackers.add(socket);
        // Padded to 4 KB each, so the 80 MB offered cannot all wait in the kernel's socket buffers:
        // the writer blocks for good only if the gateway stops reading.
        byte[] one = ("GET /js/session.js HTTP/1.1\r\nHost: " + gateway.hostPort() + "\r\nX-Pad: " + "p".repeat(4000)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < requests; i++) {
                    out.write(one);
                }
                out.flush();
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, "pipeliner");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    @Test
    void aPipeliningConnectionThatNeverReadsPinsBoundedMemoryAndSlowsNobody() throws Exception {
        long before = memoryInUse();
        Thread writer = pipelineWithoutReading(REQUESTS);
        Thread.sleep(3_000); // the gateway has read (or refused to read) what it will
        long grown = memoryInUse() - before;
        assertTrue(writer.isAlive(), "the gateway read all " + REQUESTS + " pipelined requests although it could not "
                + "write their answers: nothing stops a connection that never reads");
        // A connection may hold its write buffer (128 KiB high-water mark), a few answers and one
        // read's worth of parsed requests; answering all 20,000 keeps 20,000 responses (on NIO
        // each with a 24 KB direct copy of the script).
        assertTrue(grown < 8 * MIB, "one non-reading connection holds " + grown / 1024 + " KiB");

        try (WsClient canary = WsClient.connect(new InetSocketAddress("127.0.0.1", gateway.port()), gateway.hostPort(),
                TestDecider.ORIGIN)) {
            canary.open(1, gateway.echo().target());
            canary.await(f -> f.type() == WsClient.OPENED, Duration.ofSeconds(5));
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            canary.send(1, ping);
            assertArrayEquals(ping, Arrays.copyOf(canary.readData(1, ping.length, Duration.ofSeconds(5)), ping.length));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 1_000, "an unrelated session's echo took " + millis + " ms");
        }
    }

    /**
     * An operator sees a non-reader in /metrics: the bytes the gateway holds for it (written, not
     * taken by the kernel) reach the 128 KiB high-water mark and stay there, while a connection
     * that reads pins nothing.
     */
    @Test
    void aNonReadingPipelinerShowsInThePinnedBytesGauges() throws Exception {
        InetSocketAddress listener = new InetSocketAddress("127.0.0.1", gateway.port());
        assertEquals(0, gauge(PlainHttp.get(listener, "/metrics", gateway.hostPort()).body(), "cometgate_connection_max_pinned_bytes"),
                "nothing pinned before the pipeliner");
        pipelineWithoutReading(REQUESTS);
        Thread.sleep(3_000); // the kernel's buffers fill, then the gateway's outbound buffer
        String scrape = PlainHttp.get(listener, "/metrics", gateway.hostPort()).body();
        double max = gauge(scrape, "cometgate_connection_max_pinned_bytes");
        System.out.println("PipeliningNonReaderIT: cometgate_connection_max_pinned_bytes " + (long) max);
        assertTrue(max >= 64 * 1024, "the pipeliner pins " + (long) max + " bytes by the gauge; it never reads:\n" + scrape);
        assertTrue(max < 8 * MIB, "one connection pins " + (long) max + " bytes, past any bound");
        assertTrue(gauge(scrape, "cometgate_connections_pinned_bytes") >= max);
        assertEquals(1, gauge(scrape, "cometgate_connections_unwritable"), "the pipeliner is past its high-water mark");
    }

    private static double gauge(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "no " + name + " in /metrics:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    /**
     * The gateway's own work for a non-reader is what the kernel lets it write: without a bound
     * the kernel grows the connection's send buffer to {@code tcp_wmem}'s maximum (4 MiB) and
     * the gateway answers some 200 requests to fill it, per connection; 100 such connections
     * kept a new session's handshake waiting 8-12 s on a loaded machine (bench S8).
     */
    @Test
    void theKernelHoldsOnlyABoundedAmountOfUnsentAnswersForAConnectionThatNeverReads() throws Exception {
        pipelineWithoutReading(REQUESTS);
        Socket attacker = attackers.get(0);
        Thread.sleep(3_000);
        long queued = KernelSendQueue.bytes(gateway.port(), attacker.getLocalPort());
        System.out.println("PipeliningNonReaderIT: the gateway's kernel send queue for a non-reader: " + queued + " bytes");
        assertTrue(queued >= 0, "no such connection in /proc/net/tcp*");
        assertTrue(queued < 512 * 1024, "the kernel holds " + queued / 1024 + " KiB of answers for a client that never reads");
    }
}
