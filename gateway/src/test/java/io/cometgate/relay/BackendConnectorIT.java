package io.cometgate.relay;

import io.cometgate.http.EventLoops;
import io.cometgate.policy.Decision;
import io.cometgate.policy.TargetOptions;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connector's own connect timeout, against a loopback listener whose accept queue is full. */
class BackendConnectorIT {

    private final EventLoops loops = EventLoops.create(1);
    private final BackendConnector connector = new BackendConnector(loops.socketChannel());
    private final List<Socket> fillers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : fillers) {
            s.close();
        }
        loops.shutdown();
    }

    private static Decision allow(InetSocketAddress address, Duration connectTimeout) {
        TargetOptions d = TargetOptions.DEFAULT;
        return Decision.allow("test rule", "test:1", address, null,
                new TargetOptions(connectTimeout, d.tls(), d.caBundle(), d.tlsInsecure(), d.proxyProtocol(), d.webircPasswordFile()));
    }

    /** Connects until the kernel stops completing handshakes for the listener (it drops the SYNs). */
    private void fill(InetSocketAddress address) throws Exception {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(address, 300);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue of " + address + " never filled");
    }

    @Test
    void aBackendThatNeverCompletesTheHandshakeFailsWithConnectTimeoutAfterTheTargetsTimeout() throws Exception {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            InetSocketAddress address = (InetSocketAddress) neverAccepts.getLocalSocketAddress();
            fill(address);
            EventLoop loop = loops.workers().next();
            ChannelFuture connect = loop.submit(() -> connector.connect(loop, allow(address, Duration.ofMillis(300)),
                    new ChannelInboundHandlerAdapter())).get(5, TimeUnit.SECONDS);
            assertTrue(connect.await(10, TimeUnit.SECONDS), "the connect ended");
            assertInstanceOf(ConnectTimeoutException.class, connect.cause());
            assertEquals("connection timed out after 300 ms: " + address, connect.cause().getMessage());
            connect.channel().closeFuture().await(5, TimeUnit.SECONDS);
            assertFalse(connect.channel().isOpen(), "the half-open socket is closed");
        }
    }
}
