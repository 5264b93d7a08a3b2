package io.cometgate.cli;

import io.cometgate.http.ListenFailure;

import java.net.InetSocketAddress;
import java.util.List;

/** One line per bind failure: which address, why, and what to do about it. */
final class BindErrors {

    private BindErrors() {
    }

    /**
     * @param what the flag the address came from ({@code --listen}, {@code --tls-listen}), or a
     *             description of a fixed address such as the demo backends'
     */
    static String describe(ListenFailure failure, String what, String fix) {
        String address = ListenFailure.hostPort(failure.address());
        return switch (failure.kind()) {
            case IN_USE -> address + " is already in use: " + fix;
            case NOT_LOCAL -> address + " is not an address of this machine: pass " + what
                    + " with one of its addresses (or 0.0.0.0:PORT for all of them)";
            case NO_PERMISSION -> "listening on " + address + " needs privileges: pass " + what
                    + " with a port above 1023, or grant the JVM CAP_NET_BIND_SERVICE";
            case OTHER -> "cannot listen on " + address + ": " + failure.getCause().getMessage();
        };
    }

    /** A start of listeners, as {@link io.cometgate.http.GatewayServer}'s start methods are. */
    interface Binding {
        List<InetSocketAddress> bind() throws InterruptedException;
    }

    /** Runs {@code binding}; a bind failure comes back with the message naming {@code flag} and the fix. */
    static List<InetSocketAddress> bind(Binding binding, String flag) throws InterruptedException {
        try {
            return binding.bind();
        } catch (ListenFailure e) {
            throw new ListenFailure(e.address(), e.getCause(), forListener(e, flag));
        }
    }

    static String forListener(ListenFailure failure, String flag) {
        return describe(failure, flag, "stop the other process or pass " + flag + " HOST:PORT");
    }

    static String forDemoBackend(ListenFailure failure) {
        return describe(failure, "--no-demo", "stop the other process, or leave out --policy so that the demo "
                + "backends take free ports (or pass --no-demo)");
    }
}
