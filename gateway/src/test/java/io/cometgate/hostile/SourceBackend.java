package io.cometgate.hostile;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that writes to every connection as fast as it is read (a download, a video
 * stream): what a non-reading downloader's session relays. A thread per connection, which
 * blocks in write as soon as the gateway stops reading it.
 */
final class SourceBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    SourceBackend() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread acceptor = new Thread(this::acceptLoop, "source-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread writer = new Thread(() -> stream(socket), "source-connection");
                writer.setDaemon(true);
                writer.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void stream(Socket socket) {
        byte[] chunk = new byte[16 * 1024];
        try (socket) {
            OutputStream out = socket.getOutputStream();
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // the gateway closed the channel
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
