package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection through a {@link FaultProxy} and its upstream twin: two pump threads
 * copy bytes, each asking the proxy before every chunk whether to forward it, hold it (a
 * blackhole or a partition) or break the connection. An end of stream is passed on as a
 * half-close, so a faithful connection behaves as the two peers would without the proxy.
 */
public final class ProxiedConnection {

    /** Which way a pump copies. */
    public enum Direction { UP, DOWN }

    private final FaultProxy proxy;
    private final int id;
    private final Socket client;
    private final Object gate = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Socket upstream;
    private boolean blackholed;
    private int pumpsDone;

    ProxiedConnection(FaultProxy proxy, int id, Socket client) {
        this.proxy = proxy;
        this.id = id;
        this.client = client;
    }

    public int id() {
        return id;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Connects upstream (once the network lets it) and starts both pumps. */
    void start(Socket connectedUpstream) {
        upstream = connectedUpstream;
        if (closed.get()) {
            closeQuietly(connectedUpstream, true);
            return;
        }
        pump(client, connectedUpstream, Direction.UP);
        pump(connectedUpstream, client, Direction.DOWN);
    }

    private void pump(Socket from, Socket to, Direction direction) {
        Thread thread = new Thread(() -> copy(from, to, direction), "fault-proxy-" + id + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void copy(Socket from, Socket to, Direction direction) {
        byte[] buffer = new byte[8 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (!awaitForwarding()) {
                    return;
                }
                NetworkFault fault = proxy.randomFault(this, direction);
                if (fault != null) {
                    // Part of the chunk goes through first: the peer sees a message broken off mid-way.
                    out.write(buffer, 0, n / 2);
                    out.flush();
                    apply(fault, direction);
                    if (fault == NetworkFault.FIN || fault == NetworkFault.HALF_CLOSE) {
                        pumpDone();
                    }
                    if (fault != NetworkFault.BLACKHOLE || !awaitForwarding()) {
                        return;
                    }
                    out.write(buffer, n / 2, n - n / 2);
                } else {
                    out.write(buffer, 0, n);
                }
                out.flush();
            }
            if (n < 0) {
                to.shutdownOutput();
                pumpDone();
            }
        } catch (IOException e) {
            close(false);
        }
    }

    /** Breaks this connection now; a half-close ends {@code direction} (the other one flows on). */
    void apply(NetworkFault fault, Direction direction) {
        switch (fault) {
            case RST -> close(true);
            case FIN -> {
                shutdownOutput(client);
                shutdownOutput(upstream);
                proxy.closeLater(this, false);
            }
            case HALF_CLOSE -> {
                shutdownOutput(direction == Direction.UP ? upstream : client);
                proxy.closeLater(this, false);
            }
            case BLACKHOLE -> {
                synchronized (gate) {
                    blackholed = true;
                }
                // A real network gives up on a dead connection in the end (retransmission timeout).
                proxy.closeLater(this, true);
            }
        }
    }

    /**
     * Blocks while this connection is blackholed or the proxy partitioned; false once the
     * connection is closed (the held chunk is then dropped with it).
     */
    private boolean awaitForwarding() {
        synchronized (gate) {
            while ((blackholed || proxy.partitioned()) && !closed.get()) {
                try {
                    gate.wait(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !closed.get();
    }

    /** The network healed: held chunks go on (a blackholed connection stays held). */
    void wake() {
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    private void pumpDone() {
        boolean both;
        synchronized (gate) {
            both = ++pumpsDone == 2;
        }
        if (both) {
            close(false);
        }
    }

    /** Closes both sockets, with a reset if {@code reset}; idempotent. */
    void close(boolean reset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client, reset);
        closeQuietly(upstream, reset);
        synchronized (gate) {
            gate.notifyAll();
        }
        proxy.forget(this);
    }

    private static void shutdownOutput(Socket socket) {
        try {
            if (socket != null && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException ignored) {
            // already closed or reset: the peer hears of it either way
        }
    }

    private static void closeQuietly(Socket socket, boolean reset) {
        if (socket == null) {
            return;
        }
        try {
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public String toString() {
        return "proxied connection " + id;
    }
}
