package io.cometgate.http;

import java.net.InetSocketAddress;

/**
 * A listening socket could not be bound. Carries the address, which Netty's own bind error
 * ({@code bind(..) failed with error(-98): Address already in use}) does not name, so the
 * command line can say which address failed and what to do about it.
 */
public final class ListenFailure extends RuntimeException {

    /** Why a bind fails, from the operating system's error text (the same for epoll and NIO). */
    public enum Kind { IN_USE, NOT_LOCAL, NO_PERMISSION, OTHER }

    private final InetSocketAddress address;

    public ListenFailure(InetSocketAddress address, Throwable cause) {
        super(hostPort(address) + ": " + cause.getMessage(), cause);
        this.address = address;
    }

    /** The same failure told in the caller's words ({@code 127.0.0.1:8080 is already in use: ...}). */
    public ListenFailure(InetSocketAddress address, Throwable cause, String message) {
        super(message, cause);
        this.address = address;
    }

    public InetSocketAddress address() {
        return address;
    }

    public Kind kind() {
        String text = String.valueOf(getCause().getMessage());
        if (text.contains("Address already in use")) {
            return Kind.IN_USE;
        }
        if (text.contains("Cannot assign requested address")) {
            return Kind.NOT_LOCAL;
        }
        if (text.contains("Permission denied")) {
            return Kind.NO_PERMISSION;
        }
        return Kind.OTHER;
    }

    public static String hostPort(InetSocketAddress address) {
        return GatewayServer.hostPort(address);
    }
}
