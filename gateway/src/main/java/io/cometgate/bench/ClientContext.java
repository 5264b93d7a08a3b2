package io.cometgate.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every client connection shares: the event loops, the loopback source addresses
 * connections are spread over (each has its own ephemeral-port space), the byte counter at
 * the sockets, the backend target the gateway is asked for, and whether upstream POST
 * connections are kept alive.
 */
final class ClientContext {

    /**
     * Lone ACKs due within this of each other go out in the same wake-up, so one leaves 200 to
     * 210 ms after what it covers: what a browser's timer coalescing gives js-client's 200 ms
     * {@code setTimeout}.
     */
    static final long LONE_ACK_COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final Loops loops;
    final WireCounter wire = new WireCounter();
    final String gatewayTarget;
    final boolean postKeepAlive;
    /** How long a lone ACK may wait for more frames to cover (docs/PROTOCOL.md, "Reliable delivery": 200 ms recommended). */
    final long ackDelayMillis;
    private final InetAddress[] sources;
    private final AtomicInteger next = new AtomicInteger();
    /** Each loop's lone-ACK queue, shared with the contexts derived from this one. */
    private final Map<EventLoop, DueQueue> loneAcks;

    ClientContext(Loops loops, int sourceAddresses, String gatewayTarget, boolean postKeepAlive, long ackDelayMillis) {
        this(loops, sourceAddresses, gatewayTarget, postKeepAlive, ackDelayMillis, new ConcurrentHashMap<>());
    }

    private ClientContext(Loops loops, int sourceAddresses, String gatewayTarget, boolean postKeepAlive,
                          long ackDelayMillis, Map<EventLoop, DueQueue> loneAcks) {
        this.loops = loops;
        this.loneAcks = loneAcks;
        this.ackDelayMillis = ackDelayMillis;
        this.gatewayTarget = gatewayTarget;
        this.postKeepAlive = postKeepAlive;
        this.sources = new InetAddress[Math.max(1, sourceAddresses)];
        try {
            for (int i = 0; i < sources.length; i++) {
                // 127.0.0.2 .. : never 127.0.0.1, so the client's ports never crowd the servers' address
                sources[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i % 250)});
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    ClientContext withPostKeepAlive(boolean keepAlive) {
        return new ClientContext(loops, sources.length, gatewayTarget, keepAlive, ackDelayMillis, loneAcks);
    }

    /** The lone-ACK queue of {@code loop}. */
    DueQueue loneAcks(EventLoop loop) {
        return loneAcks.computeIfAbsent(loop, l -> new DueQueue(l, LONE_ACK_COALESCE_NANOS));
    }

    /** A source address for a new logical connection (all of one session's sockets share it). */
    InetAddress nextSource() {
        return sources[Math.floorMod(next.getAndIncrement(), sources.length)];
    }

    EventLoop nextLoop() {
        return (EventLoop) loops.group().next();
    }

    Bootstrap bootstrap(EventLoop loop, InetAddress source, ChannelHandler handler) {
        return new Bootstrap().group(loop).channel(loops.socket())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .localAddress(new InetSocketAddress(source, 0))
                .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                    @Override
                    protected void initChannel(io.netty.channel.Channel ch) {
                        ch.pipeline().addLast("wire", wire).addLast(handler);
                    }
                });
    }
}
