package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link Decider} the gateway holds: the current policy in an {@link AtomicReference},
 * replaced whole by {@link #reload()} when the file changes and the new version is valid.
 * An invalid file is logged and ignored, so a typo never opens or closes the gateway.
 *
 * <p>Decisions already under way finish on the policy they started with.
 */
public final class PolicyDecider implements Decider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyDecider.class);

    private final Path file;
    private final Resolver resolver;
    private final AddressClassifier classifier;
    private final Clock clock;
    private final AtomicReference<PolicyEngine> current = new AtomicReference<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PolicyWatcher watcher;
    private volatile boolean logWarnings = true;

    PolicyDecider(Path file, Resolver resolver, AddressClassifier classifier, Clock clock) throws PolicyException {
        this.file = file;
        this.resolver = resolver;
        this.classifier = classifier;
        this.clock = clock;
        current.set(new PolicyEngine(PolicyParser.load(file), resolver, classifier, clock));
    }

    /**
     * Loads {@code file} with real DNS and this host's interface addresses. Throws with every
     * problem (each {@code file:line:col: message}) when the file is invalid.
     */
    public static PolicyDecider load(Path file) throws PolicyException {
        Policy first = PolicyParser.load(file);
        return new PolicyDecider(file, Resolver.dns(first.dnsTimeout()), AddressClassifier.forThisHost(),
                Clock.systemUTC());
    }

    /** As {@link #load(Path)} with a resolver of the caller's choosing (tests, embedders). */
    public static PolicyDecider load(Path file, Resolver resolver) throws PolicyException {
        return new PolicyDecider(file, resolver, AddressClassifier.forThisHost(), Clock.systemUTC());
    }

    /**
     * Re-reads the file. A valid version replaces the current one atomically and the reload
     * listeners run; an invalid one is logged with all its errors and the old one stays.
     *
     * @return whether the policy was replaced
     */
    public synchronized boolean reload() {
        PolicyParser.Result result = PolicyParser.check(file);
        if (result.policy() == null) {
            log.error("policy {} rejected, keeping the previous version:{}{}", file, System.lineSeparator(),
                    String.join(System.lineSeparator(), result.problems().stream()
                            .filter(Problem::isError).map(Problem::render).toList()));
            return false;
        }
        current.set(new PolicyEngine(result.policy(), resolver, classifier, clock));
        log.info("policy {} reloaded", file);
        if (logWarnings) {
            result.policy().warnings().forEach(w -> log.warn("{}", w.render()));
        }
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("policy reload listener failed", e);
            }
        }
        return true;
    }

    /**
     * Stops {@link #reload()} from logging the policy's warnings. For a policy the gateway renders
     * itself (the built-in demo), whose warnings are there by design and would only alarm operators.
     */
    public PolicyDecider withoutWarningLogs() {
        logWarnings = false;
        return this;
    }

    /** Runs after every successful reload (e.g. close channels no longer allowed). */
    public void addReloadListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Watches the file (polling once a second) and reloads on change. Idempotent. */
    public synchronized void watch() {
        if (watcher == null) {
            watcher = PolicyWatcher.start(file, this::reload);
        }
    }

    /** Risky-but-valid choices in the current policy, for the startup log. */
    public List<Problem> warnings() {
        return current.get().policy().warnings();
    }

    /** Whether the current policy asks to close channels it no longer allows after a reload. */
    public boolean closeDisallowedOnReload() {
        return current.get().policy().closeDisallowedOnReload();
    }

    /** Whether an open channel to {@code address}, opened as {@code target} from {@code origin}, is still allowed. */
    public boolean stillAllowed(String target, String origin, InetSocketAddress address) {
        return current.get().stillAllowed(target, origin, address);
    }

    public Path file() {
        return file;
    }

    @Override
    public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
        return current.get().decide(request, loop);
    }

    @Override
    public boolean isOriginAllowed(String origin) {
        return current.get().isOriginAllowed(origin);
    }

    @Override
    public boolean isHostAllowed(String host) {
        return current.get().isHostAllowed(host);
    }

    @Override
    public boolean isTrustedProxy(InetAddress peer) {
        return current.get().isTrustedProxy(peer);
    }

    @Override
    public Limits limits() {
        return current.get().limits();
    }

    @Override
    public void close() {
        PolicyWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        resolver.close();
    }
}
