package io.cometgate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP backend on 127.0.0.1 that records what each connection sends (the PROXY
 * header, the WEBIRC line, client data) and otherwise stays quiet, like a server waiting for
 * a greeting. Blocking sockets and a thread per connection: a test has a handful at most.
 */
public final class RecordingBackend implements AutoCloseable {

    /** One accepted connection and the bytes received on it so far. */
    public static final class Connection {
        private final Socket socket;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        private Connection(Socket socket) {
            this.socket = socket;
        }

        /** Waits until at least {@code n} bytes arrived and returns all received so far. */
        public byte[] awaitBytes(int n, Duration bound) throws InterruptedException {
            long end = System.nanoTime() + bound.toNanos();
            synchronized (received) {
                while (received.size() < n) {
                    long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("the backend got " + received.size() + " bytes, expected " + n
                                + ": " + Arrays.toString(received.toByteArray()));
                    }
                    received.wait(left);
                }
                return received.toByteArray();
            }
        }

        private void pump() {
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                        received.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // closed by the test or the gateway
            }
        }
    }

    private final ServerSocket server;
    private final LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new ArrayList<>();

    public RecordingBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "recording-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** {@code 127.0.0.1:PORT} for a policy line. */
    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = server.accept();
                synchronized (sockets) {
                    sockets.add(socket);
                }
                Connection connection = new Connection(socket);
                Thread pump = new Thread(connection::pump, "recording-backend-conn");
                pump.setDaemon(true);
                pump.start();
                accepted.add(connection);
            }
        } catch (IOException closed) {
            // the server socket was closed
        }
    }

    /** The next connection the gateway made. */
    public Connection awaitConnection(Duration bound) throws InterruptedException {
        Connection c = accepted.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("the gateway did not connect to the backend within " + bound);
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
