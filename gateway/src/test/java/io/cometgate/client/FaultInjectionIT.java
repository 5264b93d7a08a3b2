package io.cometgate.client;

import io.cometgate.config.TransportKind;
import io.cometgate.testing.FaultProxy;
import io.cometgate.testing.GatewayFixture;
import io.cometgate.testing.TestDecider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections cut at random points lose nothing and duplicate nothing: the session resends and dedups. */
@Timeout(180)
class FaultInjectionIT {

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.withEcho();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void bytesArriveCompleteInOrderAndOnceThroughACuttingProxy(TransportKind kind) throws Exception {
        try (FaultProxy proxy = new FaultProxy(gateway.port(), 1234 + kind.ordinal(), 8, 0.02)) {
            try (ClientSession session = CometClient.connect(gateway.uriVia(proxy.port()), kind, TestDecider.ORIGIN)) {
                ClientChannel channel = session.open(gateway.echo().target());
                Transfers.echoChecksummed(channel, 2 * 1024 * 1024, 99, 120);
                assertTrue(proxy.cuts() > 0, "the proxy cut no connection: the test proved nothing");
                assertEquals(2 * 1024 * 1024, gateway.echo().written());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void droppingTheTransportMidTransferLosesNothing(TransportKind kind) throws Exception {
        try (ClientSession session = CometClient.connect(gateway.uri(), kind, TestDecider.ORIGIN)) {
            ClientChannel channel = session.open(gateway.echo().target());
            AtomicBoolean transferring = new AtomicBoolean(true);
            AtomicInteger dropsMidTransfer = new AtomicInteger();
            Thread dropper = new Thread(() -> {
                for (int i = 0; i < 5 && transferring.get(); i++) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (transferring.get()) {
                        session.dropTransport();
                        dropsMidTransfer.incrementAndGet();
                    }
                }
            });
            dropper.setDaemon(true);
            dropper.start();
            Transfers.echoChecksummed(channel, 2 * 1024 * 1024, 5, 120);
            transferring.set(false);
            dropper.join(TimeUnit.SECONDS.toMillis(5));
            assertTrue(dropsMidTransfer.get() > 0, "no transport was dropped during the transfer: the test proved nothing");
        }
    }
}
