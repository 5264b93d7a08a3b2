package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A backend that reads everything as fast as it arrives and throws it away (a sink that keeps up). */
public final class DiscardBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();

    public DiscardBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread acceptor = new Thread(this::acceptLoop, "discard-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread reader = new Thread(() -> discard(socket), "discard-backend-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void discard(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.addAndGet(n);
            }
        } catch (IOException e) {
            // closed by the gateway or by close()
        }
    }

    public String target() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public long received() {
        return received.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
