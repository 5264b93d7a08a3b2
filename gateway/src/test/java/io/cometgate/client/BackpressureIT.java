package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.SinkBackend;
import io.cometgate.testing.TestDecider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credit stops every side that cannot keep up, and the gateway's memory stays bounded meanwhile. */
@Timeout(120)
class BackpressureIT {

    private static final long MIB = 1024 * 1024;
    private static final long ATTEMPT = 16 * MIB;

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayFixture();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    /** Waits until {@code counter} has not moved for a second; returns its value. */
    private static long settled(LongSupplier counter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("still moving after 60 s: " + last);
    }

    private static long nettyMemory() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedHeapMemory() + metric.usedDirectMemory();
    }

    private static Thread writeInBackground(ClientChannel channel) {
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                for (long sent = 0; sent < ATTEMPT; sent += chunk.length) {
                    channel.write(chunk);
                }
            } catch (IOException e) {
                // closed or interrupted at the end of the test
            }
        }, "test-writer");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aClientThatStopsReadingStopsTheGatewayReadingTheBackend(TransportKind kind) throws Exception {
        try (EchoBackend echo = EchoBackend.builder().sendBuffer(64 * 1024).start();
             ClientSession session = CometClient.connect(gateway.uri(), kind, TestDecider.ORIGIN)) {
            gateway.decider.allowPort(echo.port());
            ClientChannel channel = session.open(echo.target());
            long before = nettyMemory();
            Thread writer = writeInBackground(channel);
            long echoed = settled(echo::written);
            // the upstream window may have grown (docs/PROTOCOL.md, "Growing windows"): the writer
            // can still be spending it into the socket buffers after the echo stopped
            settled(channel::bytesWritten);
            // window (128 KiB) + one read (64 KiB) + the sockets' buffers; far below what was offered
            assertTrue(echoed < 4 * MIB, "backend kept being read: " + echoed + " bytes echoed");
            assertTrue(channel.bytesWritten() < ATTEMPT, "the client's writes never blocked");
            assertEquals(0, channel.upstreamCredit(), "the writer stopped while it still had credit");
            assertTrue(channel.available() <= 128 * 1024, "gateway sent beyond the window: " + channel.available());
            long grown = nettyMemory() - before;
            assertTrue(grown < 16 * MIB, "gateway buffers grew by " + grown + " bytes");
            writer.interrupt();
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aBackendThatStopsReadingHoldsTheClientsUploadsBack(TransportKind kind) throws Exception {
        try (SinkBackend sink = new SinkBackend();
             ClientSession session = CometClient.connect(gateway.uri(), kind, TestDecider.ORIGIN)) {
            gateway.decider.allowPort(sink.port());
            ClientChannel channel = session.open(sink.target());
            channel.opened().get(10, TimeUnit.SECONDS);
            Thread writer = writeInBackground(channel);
            long accepted = settled(channel::bytesWritten);
            assertTrue(accepted < ATTEMPT, "every upload was accepted although the backend reads nothing");
            assertEquals(0, channel.upstreamCredit());
            assertTrue(writer.isAlive(), "the writer finished instead of blocking");
            writer.interrupt();
        }
    }
}
