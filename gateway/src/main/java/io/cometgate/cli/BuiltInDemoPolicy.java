package io.cometgate.cli;

import io.cometgate.demo.DemoBackends;
import io.cometgate.demo.DemoPolicy;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.policy.PolicyException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code serve} without {@code --policy}: the demo policy rendered for the addresses actually
 * in use. It is rendered once before the listeners are bound (for the addresses as given) and
 * again after (for the ports port-0 listeners got), then swapped in through the decider's own
 * {@link PolicyDecider#reload()}. Its warnings ({@code allow-loopback} on the demo aliases) are by
 * design, so they are not logged as if something were wrong.
 */
final class BuiltInDemoPolicy implements AutoCloseable {

    private final List<String> hostnames;
    private final InetSocketAddress echo;
    private final InetSocketAddress chat;
    /** The engine reads files: a private copy nothing else edits, deleted on close. */
    private final Path file;
    private final PolicyDecider decider;
    private String text;

    private BuiltInDemoPolicy(List<String> hostnames, InetSocketAddress echo, InetSocketAddress chat, String text)
            throws IOException, PolicyException {
        this.hostnames = hostnames;
        this.echo = echo;
        this.chat = chat;
        this.text = text;
        this.file = Files.createTempFile("cometgate-demo-", ".policy");
        file.toFile().deleteOnExit();
        Files.writeString(file, text);
        this.decider = PolicyDecider.load(file).withoutWarningLogs();
    }

    /** {@code backends} started, or {@code null} with {@code --no-demo} (the policy then names no backend). */
    static BuiltInDemoPolicy forListeners(List<InetSocketAddress> http, List<InetSocketAddress> https,
                                          List<String> hostnames, DemoBackends backends)
            throws IOException, PolicyException {
        InetSocketAddress echo = backends == null ? null : backends.echo();
        InetSocketAddress chat = backends == null ? null : backends.chat();
        return new BuiltInDemoPolicy(hostnames, echo, chat, DemoPolicy.render(http, https, hostnames, echo, chat));
    }

    PolicyDecider decider() {
        return decider;
    }

    /** Renders the policy for the bound addresses and uses it if that changed anything. */
    void listenersBound(List<InetSocketAddress> http, List<InetSocketAddress> https) throws IOException {
        String bound = DemoPolicy.render(http, https, hostnames, echo, chat);
        if (!bound.equals(text)) {
            Files.writeString(file, bound);
            if (!decider.reload()) {
                throw new IllegalStateException("the built-in demo policy did not load for " + http + " " + https);
            }
            text = bound;
        }
    }

    @Override
    public void close() {
        decider.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // deleteOnExit removes it later
        }
    }
}
