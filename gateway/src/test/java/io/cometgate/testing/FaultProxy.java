package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the gateway that cuts connections at random points:
 * after each forwarded chunk it may (seeded Random) close both sides at once, until its
 * budget of cuts is spent; then it forwards faithfully.
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Random random;
    private final double cutChance;
    private final AtomicInteger cutsLeft;
    private final AtomicInteger cuts = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public FaultProxy(int targetPort, long seed, int maxCuts, double cutChancePerChunk) throws IOException {
        this.targetPort = targetPort;
        this.random = new Random(seed);
        this.cutChance = cutChancePerChunk;
        this.cutsLeft = new AtomicInteger(maxCuts);
        this.server = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (shouldCut()) {
                        // forward part of the chunk, then cut: the peer sees a message broken off mid-way
                        out.write(buffer, 0, n / 2);
                        out.flush();
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other direction cut it
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "fault-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private boolean shouldCut() {
        synchronized (random) {
            if (cutsLeft.get() <= 0 || random.nextDouble() >= cutChance) {
                return false;
            }
        }
        if (cutsLeft.getAndDecrement() > 0) {
            cuts.incrementAndGet();
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}
