package io.cometgate.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes a TCP connection's kernel send queue holds (written by the application, not yet
 * acknowledged by the peer), read from Linux's {@code /proc/net/tcp} and {@code tcp6}: what a
 * client that never reads makes the kernel keep for it.
 */
final class KernelSendQueue {

    private KernelSendQueue() {
    }

    /** The queue of the connection from local port {@code localPort} to remote port {@code remotePort}, or -1. */
    static long bytes(int localPort, int remotePort) throws IOException {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) { // the first is the header
                String[] f = line.trim().split("\\s+"); // sl local rem st tx_queue:rx_queue ...
                if (port(f[1]) == localPort && port(f[2]) == remotePort) {
                    return Long.parseLong(f[4].substring(0, f[4].indexOf(':')), 16);
                }
            }
        }
        return -1;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
