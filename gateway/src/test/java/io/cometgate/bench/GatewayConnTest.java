package io.cometgate.bench;

import io.cometgate.testing.NettyLeakExtension;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load tool's session, against a loopback listener that accepts and never answers (no
 * gateway is needed: what is tested happens before any answer would matter).
 */
class GatewayConnTest {

    private static final String HELLO = "{\"session\":\"0123456789abcdef\",\"window\":131072}";

    /**
     * Bug f4d1eb6 fixed: a HELLO that arrives after the connection finished (close() or fail(),
     * as a slow create-session answer can under load) queued its OPEN in an upstream batch that
     * is never sent and never released; BenchSmokeIT saw Netty's leak report for it.
     */
    @Test
    void aHelloAfterTheConnectionFinishedLeavesNoBufferBehind() throws Exception {
        Loops loops = Loops.create(1);
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            ClientContext context = new ClientContext(loops, 1, "127.0.0.1:9", false, 200);
            Route route = Route.gateway(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/cometgate"), "xhr-polling");
            List<String> closed = new CopyOnWriteArrayList<>();
            GatewayConn conn = new GatewayConn(context, route, new Conn.Listener() {
                @Override
                public void onData(Conn c, ByteBuf data) {
                    // never called: no data comes (and the connection releases what it passes here)
                }

                @Override
                public void onClosed(Conn c, String reason) {
                    closed.add(reason);
                }
            });
            NettyLeakExtension.collect();
            NettyLeakExtension.drain();

            conn.loop().submit(() -> {
                conn.fail("ended by the test");
                conn.hello(HELLO);
            }).get(10, TimeUnit.SECONDS);

            assertEquals(List.of("ended by the test"), closed);
            assertTrue(conn.opened().isCompletedExceptionally(), "a finished connection never opens");
            NettyLeakExtension.collect();
            assertEquals(List.of(), NettyLeakExtension.drain(), "buffers left unreleased");
        } finally {
            loops.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
