package io.cometgate.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fault FaultProxy makes is the one its name promises, seen from a plain socket through it to an echo server. */
@Timeout(60)
class FaultProxyIT {

    private EchoBackend echo;
    private FaultProxy proxy;
    private Socket socket;

    @BeforeEach
    void connect() throws Exception {
        echo = new EchoBackend();
        proxy = new FaultProxy(echo.port(), 5_000);
        socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), proxy.port());
        socket.setSoTimeout(2_000);
        assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(new byte[] {1, 2, 3}), "a faithful proxy until told otherwise");
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
        proxy.close();
        echo.close();
    }

    @Test
    void rstResetsTheConnection() throws Exception {
        proxy.apply(only(), NetworkFault.RST, ProxiedConnection.Direction.DOWN);
        assertThrows(SocketException.class, () -> socket.getInputStream().read());
    }

    @Test
    void finEndsTheStreamCleanly() throws Exception {
        proxy.apply(only(), NetworkFault.FIN, ProxiedConnection.Direction.DOWN);
        assertEquals(-1, socket.getInputStream().read());
    }

    @Test
    void halfCloseEndsOneDirectionAndTheOtherFlowsOn() throws Exception {
        proxy.apply(only(), NetworkFault.HALF_CLOSE, ProxiedConnection.Direction.DOWN);
        long before = echo.written();
        socket.getOutputStream().write(new byte[] {4, 5});
        assertEquals(-1, socket.getInputStream().read(), "the downstream ended");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (echo.written() < before + 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before + 2, echo.written(), "the upstream still reached the server");
    }

    @Test
    void blackholeForwardsNothingAndSaysNothing() throws Exception {
        proxy.apply(only(), NetworkFault.BLACKHOLE, ProxiedConnection.Direction.DOWN);
        socket.setSoTimeout(1_000);
        socket.getOutputStream().write(new byte[] {6});
        assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), "no byte, no RST, no FIN");
    }

    @Test
    void aPartitionHoldsEveryByteAndHealingDeliversThem() throws Exception {
        proxy.partition(Duration.ofMillis(1_500));
        socket.setSoTimeout(500);
        socket.getOutputStream().write(new byte[] {7, 8});
        assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), "silent while partitioned");
        socket.setSoTimeout(5_000);
        byte[] held = socket.getInputStream().readNBytes(2);
        assertArrayEquals(new byte[] {7, 8}, held, "held bytes go on after healing, as TCP resumes");
        assertTrue(proxy.healedAtNanos() > 0);
    }

    private ProxiedConnection only() {
        assertEquals(1, proxy.connections().size());
        return proxy.connections().get(0);
    }

    private byte[] roundTrip(byte[] data) throws IOException {
        socket.getOutputStream().write(data);
        InputStream in = socket.getInputStream();
        return in.readNBytes(data.length);
    }
}
