package io.cometgate.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy on 127.0.0.1 in front of the gateway that breaks connections the ways real
 * networks do ({@link NetworkFault}): on a chosen connection ({@link #connections()},
 * {@link #apply}), at random points of the byte stream ({@link #cutRandomly}),
 * or everything at once for a while ({@link #partition}: every byte held, new connections
 * accepted but not forwarded, until it heals and the held bytes go on, as TCP would resume).
 *
 * <p>Bounded: a connection broken without a reset (FIN, half-close) or blackholed is closed
 * (a blackhole with a reset, as a retransmission timeout would) after {@code holdMillis};
 * every connection is closed by {@link #close()}.
 */
public final class FaultProxy implements AutoCloseable {

    /** One fault that happened, for tests that relate stalls to their cause. */
    public record FaultEvent(NetworkFault fault, int connection, ProxiedConnection.Direction direction, long nanos) {
    }

    private static final InetAddress LOOPBACK = loopback();

    private final ServerSocket server;
    private final int targetPort;
    private final long holdMillis;
    private final Set<ProxiedConnection> live = ConcurrentHashMap.newKeySet();
    private final List<FaultEvent> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "fault-proxy-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Object partitionLock = new Object();
    private volatile boolean partitioned;
    private volatile long healedAtNanos;
    private Random random;
    private int randomLeft;
    private double chancePerChunk;
    private NetworkFault[] kinds = new NetworkFault[0];
    private volatile BooleanSupplier faultAllowed = () -> true;
    private volatile long lastFaultNanos;

    /** A faithful proxy until told otherwise. */
    public FaultProxy(int targetPort) throws IOException {
        this(targetPort, 30_000);
    }

    public FaultProxy(int targetPort, long holdMillis) throws IOException {
        this.targetPort = targetPort;
        this.holdMillis = holdMillis;
        this.server = new ServerSocket(0, 50, LOOPBACK);
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * From now on, each forwarded chunk (at most 8 KiB, either direction) is broken with this
     * chance by one of {@code kinds} (seeded choice), until {@code maxCuts} faults were made.
     */
    public void cutRandomly(long seed, int maxCuts, double chancePerChunk, Set<NetworkFault> kinds) {
        synchronized (this) {
            this.random = new Random(seed);
            this.randomLeft = maxCuts;
            this.chancePerChunk = chancePerChunk;
            this.kinds = kinds.toArray(NetworkFault[]::new);
        }
    }

    /**
     * From now on a random fault is made only while {@code allowed} says so (asked before each
     * chunk's draw), e.g. only once the flow has recovered from the last fault, so that each
     * fault's cost is measured on its own rather than as part of a chain.
     */
    public void cutOnlyWhen(BooleanSupplier allowed) {
        this.faultAllowed = allowed;
    }

    /** When the last fault was made ({@link System#nanoTime()}), 0 if none was. */
    public long lastFaultNanos() {
        return lastFaultNanos;
    }

    /** Every connection, present and new, goes silent for {@code length}, then heals. */
    public void partition(Duration length) {
        synchronized (partitionLock) {
            partitioned = true;
        }
        timer.schedule(this::heal, length.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends a partition now: held bytes are forwarded, held connections connected upstream. */
    public void heal() {
        synchronized (partitionLock) {
            partitioned = false;
            healedAtNanos = System.nanoTime();
            partitionLock.notifyAll();
        }
        live.forEach(ProxiedConnection::wake);
    }

    public boolean partitioned() {
        return partitioned;
    }

    /** When the last partition healed ({@link System#nanoTime()}), 0 if none did. */
    public long healedAtNanos() {
        return healedAtNanos;
    }

    /** The connections open now, oldest first. */
    public List<ProxiedConnection> connections() {
        List<ProxiedConnection> open = new ArrayList<>(live);
        open.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return open;
    }

    /** Faults made so far (random and chosen), in order. */
    public List<FaultEvent> faults() {
        return List.copyOf(faults);
    }

    public int cuts() {
        return faults.size();
    }

    public Map<NetworkFault, Integer> cutsByKind() {
        Map<NetworkFault, Integer> counts = new EnumMap<>(NetworkFault.class);
        for (FaultEvent event : faults) {
            counts.merge(event.fault(), 1, Integer::sum);
        }
        return counts;
    }

    /** Breaks a chosen connection now (logged like a random fault). */
    public void apply(ProxiedConnection connection, NetworkFault fault, ProxiedConnection.Direction direction) {
        record(new FaultEvent(fault, connection.id(), direction, System.nanoTime()));
        connection.apply(fault, direction);
    }

    /** Asked by a pump before each chunk: the fault to make now, or null to forward it. */
    NetworkFault randomFault(ProxiedConnection connection, ProxiedConnection.Direction direction) {
        NetworkFault fault;
        synchronized (this) {
            if (randomLeft <= 0 || !faultAllowed.getAsBoolean() || random.nextDouble() >= chancePerChunk) {
                return null;
            }
            randomLeft--;
            fault = kinds[random.nextInt(kinds.length)];
            record(new FaultEvent(fault, connection.id(), direction, System.nanoTime()));
        }
        return fault;
    }

    private void record(FaultEvent event) {
        faults.add(event);
        lastFaultNanos = event.nanos();
    }

    void closeLater(ProxiedConnection connection, boolean reset) {
        try {
            timer.schedule(() -> connection.close(reset), holdMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            connection.close(reset);
        }
    }

    void forget(ProxiedConnection connection) {
        live.remove(connection);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                ProxiedConnection connection = new ProxiedConnection(this, nextId.incrementAndGet(), client);
                live.add(connection);
                Thread opener = new Thread(() -> open(connection), "fault-proxy-open");
                opener.setDaemon(true);
                opener.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A connection made during a partition reaches the gateway only once it heals. */
    private void open(ProxiedConnection connection) {
        try {
            synchronized (partitionLock) {
                while (partitioned && connection.isOpen()) {
                    partitionLock.wait(1_000);
                }
            }
            if (connection.isOpen()) {
                connection.start(new Socket(LOOPBACK, targetPort));
            }
        } catch (IOException e) {
            connection.close(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close(true);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        timer.shutdownNow();
        for (ProxiedConnection connection : List.copyOf(live)) {
            connection.close(false);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
