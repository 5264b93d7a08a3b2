package io.cometgate.cluster;

import io.cometgate.client.ClientChannel;
import io.cometgate.client.ClientSession;
import io.cometgate.client.CometClient;
import io.cometgate.config.TransportKind;
import io.cometgate.session.SessionIds;
import io.cometgate.testing.process.GatewayNodes;

import java.net.URI;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One session through the balancer with one channel to the echo backend, echoing seeded random
 * chunks in a loop on its own thread and checking every byte comes back once, in order. Lost,
 * duplicated or reordered bytes fail it; so does its session ending, and the code says why.
 */
final class EchoLoop implements AutoCloseable {

    private static final int CHUNK = 4096;

    final TransportKind kind;
    final ClientSession session;
    private final ClientChannel channel;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private volatile boolean stopping;
    private volatile long rounds;

    private EchoLoop(TransportKind kind, ClientSession session, ClientChannel channel) {
        this.kind = kind;
        this.session = session;
        this.channel = channel;
    }

    /** Connects, opens {@code echo}, proves one round trip, then loops on a daemon thread. */
    static EchoLoop start(URI gateway, TransportKind kind, long seed) throws Exception {
        ClientSession session = CometClient.connect(gateway, kind, GatewayNodes.ORIGIN);
        ClientChannel channel = session.open("echo");
        channel.opened().get(20, TimeUnit.SECONDS);
        EchoLoop loop = new EchoLoop(kind, session, channel);
        loop.round(new Random(seed));
        Thread thread = new Thread(() -> loop.run(seed), "echo-loop-" + kind.label());
        thread.setDaemon(true);
        thread.start();
        return loop;
    }

    /** The node part of the session id. */
    String node() {
        return SessionIds.nodeOf(session.id());
    }

    private void run(long seed) {
        Random random = new Random(seed + 1);
        try {
            while (!stopping) {
                round(random);
                rounds++;
                Thread.sleep(20); // steady traffic, not a CPU benchmark on a shared machine
            }
            done.complete(rounds);
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    private void round(Random random) throws Exception {
        byte[] sent = new byte[CHUNK];
        random.nextBytes(sent);
        channel.write(sent);
        byte[] got = new byte[CHUNK];
        int have = 0;
        while (have < CHUNK) {
            int n = channel.read(got, have, CHUNK - have);
            if (n < 0) {
                throw new AssertionError(kind.label() + " session on " + node() + " ended: " + session.closed().getNow(null));
            }
            have += n;
        }
        if (!Arrays.equals(sent, got)) {
            throw new AssertionError(kind.label() + " session on " + node() + ": the echo differs from what was sent");
        }
    }

    /** Stops after the current round; returns the rounds completed, or throws what broke the loop. */
    long stop() throws Exception {
        stopping = true;
        return done.get(30, TimeUnit.SECONDS);
    }

    long rounds() {
        return rounds;
    }

    CompletableFuture<Long> done() {
        return done;
    }

    @Override
    public void close() {
        stopping = true;
        session.close();
    }
}
