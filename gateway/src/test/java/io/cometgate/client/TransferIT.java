package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.EchoBackend;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Data crosses the gateway intact over every transport, and channels end with the right codes. */
@Timeout(180)
class TransferIT {

    private static final long MIB = 1024 * 1024;

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.withEcho();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private ClientSession connect(TransportKind kind) throws Exception {
        return CometClient.connect(gateway.uri(), kind, TestDecider.ORIGIN);
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void eightMebibytesEchoBackWithTheSameChecksum(TransportKind kind) throws Exception {
        try (ClientSession session = connect(kind)) {
            ClientChannel channel = session.open(gateway.echo().target());
            assertEquals(gateway.echo().port(), channel.opened().get(10, TimeUnit.SECONDS).remotePort());
            long started = System.nanoTime();
            Transfers.echoChecksummed(channel, 8 * MIB, 42, 120);
            System.out.printf("%s: 8 MiB echoed in %d ms%n", kind.label(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void twentyChannelsOnOneSessionEachKeepTheirOwnBytes(TransportKind kind) throws Exception {
        try (ClientSession session = connect(kind)) {
            List<CompletableFuture<Void>> transfers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ClientChannel channel = session.open(gateway.echo().target());
                long seed = i;
                transfers.add(CompletableFuture.runAsync(() -> {
                    try {
                        Transfers.echoChecksummed(channel, 256 * 1024, seed, 120);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Transfers::daemon));
            }
            CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aBackendThatClosesEndsTheChannelWith4000AfterAllItsData(TransportKind kind) throws Exception {
        try (EchoBackend closing = EchoBackend.builder().closeAfter(100_000).start()) {
            gateway.decider.allowPort(closing.port());
            try (ClientSession session = connect(kind)) {
                ClientChannel channel = session.open(closing.target());
                // exactly what the backend echoes: unread bytes would make its close a reset (4008)
                byte[] data = new byte[100_000];
                new java.util.Random(7).nextBytes(data);
                channel.write(data);
                byte[] echoed = channel.inputStream().readAllBytes();
                assertEquals(100_000, echoed.length);
                assertEquals(java.nio.ByteBuffer.wrap(data), java.nio.ByteBuffer.wrap(echoed));
                ClientChannel.Closed closed = channel.closed().get(10, TimeUnit.SECONDS);
                assertEquals(4000, closed.code(), closed.reason());
                assertEquals(100_000, closed.bytesReceived());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aRefusedConnectionEndsTheChannelWith4001(TransportKind kind) throws Exception {
        int unused;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            unused = probe.getLocalPort();
        }
        gateway.decider.allowPort(unused);
        try (ClientSession session = connect(kind)) {
            ClientChannel channel = session.open("127.0.0.1:" + unused);
            ClientChannel.Closed closed = channel.closed().get(10, TimeUnit.SECONDS);
            assertEquals(4001, closed.code(), closed.reason());
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aTargetThePolicyDeniesEndsTheChannelWith4004AndTheReason(TransportKind kind) throws Exception {
        try (ClientSession session = connect(kind)) {
            ClientChannel channel = session.open("127.0.0.1:1");
            ClientChannel.Closed closed = channel.closed().get(10, TimeUnit.SECONDS);
            assertEquals(4004, closed.code());
            assertEquals(TestDecider.DENY_REASON, closed.reason());
            // the session is still usable after a denied open
            ClientChannel ok = session.open(gateway.echo().target());
            Transfers.echoChecksummed(ok, 10_000, 1, 30);
        }
    }
}
