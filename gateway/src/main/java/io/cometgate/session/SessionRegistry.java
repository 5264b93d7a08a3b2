package io.cometgate.session;

import io.cometgate.config.GatewayConfig;
import io.cometgate.policy.Limits;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.ProtocolJson;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live session by id, with the global, per-client-address and per-Origin caps.
 * Thread-safe: sessions are created and looked up from every event loop.
 */
public final class SessionRegistry {

    /** A cap refused a new session; the message names the cap (it reaches the client as a 429). */
    public static final class LimitExceeded extends Exception {
        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perOrigin = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final String nodeId;
    /** At most this many closed sessions' reasons are kept (a few MB at most). */
    static final int MAX_CLOSED_KEPT = 10_000;
    private final ClosedSessions closed;
    private final SessionContext context;
    private final ClusterLimits cluster;
    /** One liveness sweep per event loop that holds sessions (a handful: the loops are bounded). */
    private final Map<EventLoop, LivenessSweep> sweeps = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** A registry whose session ids name node {@code local} (tests, single-node embedding). */
    public SessionRegistry(SessionContext context) {
        this(context, "local");
    }

    /** @param nodeId this node's id (validated {@code [a-z0-9-]}), carried in every session id */
    public SessionRegistry(SessionContext context, String nodeId) {
        this(context, nodeId, ClusterLimits.PER_NODE);
    }

    /** @param cluster the cluster-wide caps asked after this node's own ({@code --redis}) */
    public SessionRegistry(SessionContext context, String nodeId, ClusterLimits cluster) {
        this.context = context;
        this.cluster = cluster;
        this.nodeId = nodeId;
        this.closed = new ClosedSessions(MAX_CLOSED_KEPT, context.config().sessionTimeout().toNanos());
    }

    /** The liveness sweep of the sessions on {@code loop}. */
    LivenessSweep sweepOf(EventLoop loop) {
        return sweeps.computeIfAbsent(loop, l -> new LivenessSweep(l,
                SessionLiveness.heartbeatCheckMillis(context.config().heartbeat().toMillis())));
    }

    /** This node's id, as carried in its session ids. */
    public String nodeId() {
        return nodeId;
    }

    public Session create(EventLoop loop, String origin, InetAddress client) throws LimitExceeded {
        return create(loop, origin, client, null);
    }

    /** @param clientSubject the creating request's verified TLS client certificate subject, or {@code null} */
    public Session create(EventLoop loop, String origin, InetAddress client, String clientSubject) throws LimitExceeded {
        if (draining) {
            throw new LimitExceeded("the gateway is shutting down");
        }
        Limits limits = context.decider().limits();
        reserve(total, limits.maxSessions(), "sessions in the gateway");
        AtomicInteger addressCount = perAddress.computeIfAbsent(client, k -> new AtomicInteger());
        try {
            reserve(addressCount, limits.maxSessionsPerIp(), "sessions per client address");
        } catch (LimitExceeded e) {
            total.decrementAndGet();
            throw e;
        }
        AtomicInteger originCount = perOrigin.computeIfAbsent(originKey(origin), k -> new AtomicInteger());
        try {
            reserve(originCount, limits.maxSessionsPerOrigin(), "sessions per Origin");
        } catch (LimitExceeded e) {
            total.decrementAndGet();
            release(perAddress, client, addressCount);
            throw e;
        }
        String refused = cluster.admitSession(client, originKey(origin), limits);
        if (refused != null) {
            total.decrementAndGet();
            release(perAddress, client, addressCount);
            release(perOrigin, originKey(origin), originCount);
            throw new LimitExceeded(refused);
        }
        Session session = new Session(SessionIds.next(nodeId), loop, context, this, origin, client, clientSubject);
        sessions.put(session.id(), session);
        cluster.sessionRegistered(session.id());
        context.metrics().sessionCreated();
        return session;
    }

    private static void reserve(AtomicInteger counter, int max, String what) throws LimitExceeded {
        if (counter.incrementAndGet() > max) {
            counter.decrementAndGet();
            throw new LimitExceeded("limit reached: " + max + " " + what);
        }
    }

    private static <K> void release(Map<K, AtomicInteger> map, K key, AtomicInteger counter) {
        if (counter.decrementAndGet() <= 0) {
            map.remove(key, counter);
        }
    }

    private static String originKey(String origin) {
        return origin == null ? "" : origin;
    }

    /** A request named {@code id}, which this node does not hold (already answered 4015): tells the session directory, if any. */
    public void unknownSessionRequested(String id) {
        cluster.unknownSession(id);
    }

    /** The live session with this id, or {@code null}. */
    public Session find(String id) {
        return SessionIds.wellFormed(id) ? sessions.get(id) : null;
    }

    /**
     * How a session that is gone ended, if it closed recently (within a session timeout);
     * {@code null} for an id never seen or long forgotten.
     */
    public SessionEnd closedSession(String id) {
        return SessionIds.wellFormed(id) ? closed.find(id) : null;
    }

    void remove(Session session) {
        if (session.end() != null) {
            closed.remember(session.id(), session.end());
        }
        if (sessions.remove(session.id(), session)) {
            total.decrementAndGet();
            cluster.sessionEnded(session.clientAddress(), originKey(session.origin()));
            cluster.sessionUnregistered(session.id());
            AtomicInteger addressCount = perAddress.get(session.clientAddress());
            if (addressCount != null) {
                release(perAddress, session.clientAddress(), addressCount);
            }
            AtomicInteger originCount = perOrigin.get(originKey(session.origin()));
            if (originCount != null) {
                release(perOrigin, originKey(session.origin()), originCount);
            }
        }
    }

    public int size() {
        return sessions.size();
    }

    /** The HELLO object (docs/PROTOCOL.md) for this session, as sent on attach and by POST /session. */
    public String helloJson(Session session) {
        GatewayConfig config = context.config();
        return ProtocolJson.write(new ProtocolJson.Hello(1, session.id(), session.lastReceived(),
                config.heartbeat().toMillis(), config.sessionTimeout().toMillis(), config.maxFramePayload(),
                config.maxMessageBytes(), config.channelWindow(), true));
    }

    /** Refuses new sessions from now on (graceful drain). */
    public void startDraining() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /** Runs {@code action} for every live session, each on its own loop. */
    public void forEachOnLoop(java.util.function.Consumer<Session> action) {
        for (Session session : new ArrayList<>(sessions.values())) {
            session.loop().execute(() -> {
                if (!session.isClosed()) {
                    action.accept(session);
                }
            });
        }
    }

    /** Closes every session on its own loop. */
    public void closeAll(CloseCode code, String reason) {
        for (Session session : new ArrayList<>(sessions.values())) {
            session.loop().execute(() -> session.close(code, reason));
        }
    }

    /** Live sessions (the cap's own counter, so it never lags the caps). */
    public int sessionCount() {
        return total.get();
    }
}
