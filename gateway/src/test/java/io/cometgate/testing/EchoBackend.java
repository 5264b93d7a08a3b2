package io.cometgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP echo server on 127.0.0.1 (a thread per connection). Counts what it wrote back,
 * so backpressure tests can see it stop; {@code closeAfter} makes it close each connection
 * after echoing that many bytes (a backend that ends the conversation).
 */
public final class EchoBackend implements AutoCloseable {

    private final ServerSocket server;
    private final long closeAfter;
    private final int sendBuffer;
    private final AtomicLong written = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public EchoBackend() throws IOException {
        this(Long.MAX_VALUE, 0);
    }

    public EchoBackend(long closeAfter, int sendBuffer) throws IOException {
        this.closeAfter = closeAfter;
        this.sendBuffer = sendBuffer;
        this.server = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        Thread acceptor = new Thread(this::acceptLoop, "echo-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String target() {
        return "127.0.0.1:" + port();
    }

    public long written() {
        return written.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (sendBuffer > 0) {
                    socket.setSendBufferSize(sendBuffer);
                }
                sockets.add(socket);
                Thread echo = new Thread(() -> echo(socket), "echo-connection");
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[32 * 1024];
            long echoed = 0;
            int n;
            while (echoed < closeAfter && (n = in.read(buffer, 0, (int) Math.min(buffer.length, closeAfter - echoed))) > 0) {
                out.write(buffer, 0, n);
                echoed += n;
                written.addAndGet(n);
            }
            if (echoed >= closeAfter) {
                // A graceful close: FIN first, then drain what the peer still sends. Closing with
                // unread input would send an RST, and an RST makes the kernel discard data the
                // gateway has not read yet, which no relay could deliver.
                socket.shutdownOutput();
                socket.setSoTimeout(5_000);
                while (in.read(buffer) >= 0) {
                    // discard
                }
            }
        } catch (IOException e) {
            // the gateway closed or reset the connection: the test decides whether that was right
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
