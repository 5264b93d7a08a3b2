package io.cometgate.http;

import io.cometgate.metrics.EventLoopLag;
import io.cometgate.metrics.Scraper;
import io.cometgate.metrics.StandardSeries;
import io.cometgate.protocol.CloseCode;
import io.cometgate.tls.ReloadingServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running gateway: its listeners, event loops and shared context. Start, then
 * {@link #drain} and {@link #close}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** 10 probes a second per loop: fine enough to catch a 100 ms stall, too few to cost anything. */
    private static final Duration LAG_PROBE_INTERVAL = Duration.ofMillis(100);
    /** A 15 s window outlives a typical 10-15 s scrape interval, so no stall falls between scrapes. */
    private static final Duration LAG_WINDOW = Duration.ofSeconds(15);
    /** How long closing every session may take after the drain deadline. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    private final EventLoops loops;
    private final GatewayContext context;
    private final ProtocolHandler endpoints;
    private final ClientAddressResolver clientAddresses;
    private final List<Channel> listeners = new ArrayList<>();
    private final EventLoopLag lag;
    private final Scraper scraper;
    private final OpsEndpoints ops;
    private StaticFiles staticFiles;
    private final ConnectBackGuard connectBack;
    private UpgradeRoute upgrades;
    private TrustedSources proxyProtocolFrom;
    private EventLoopGroup adminLoop;
    private final ConnectionPins pins = new ConnectionPins();

    /**
     * @param endpoints   what serves the protocol paths (the transports); the server itself knows
     *                    only HTTP, so {@code cli.GatewayAssembly} wires the two together
     * @param connectBack the decider the relay asks, told of every listener as it is bound
     */
    public GatewayServer(GatewayContext context, ProtocolHandler endpoints, EventLoops loops,
                         ClientAddressResolver clientAddresses, ConnectBackGuard connectBack) {
        this.loops = loops;
        this.context = context;
        this.endpoints = endpoints;
        this.connectBack = connectBack;
        this.clientAddresses = clientAddresses;
        this.lag = EventLoopLag.start(loops.workers(), LAG_PROBE_INTERVAL, LAG_WINDOW);
        lag.registerWith(context.metrics());
        context.metrics().registerSessionGauge(context.registry()::sessionCount);
        StandardSeries.register(context.metrics(), version());
        pins.registerWith(context.metrics());
        this.scraper = new Scraper(context.metrics());
        this.ops = new OpsEndpoints(context.registry()::isDraining, scraper);
    }

    /** Serves {@code files} at / instead of the demo page (call before {@link #start}); the server closes it. */
    public void serveStaticFiles(StaticFiles files) {
        this.staticFiles = files;
    }

    /** Serves the websockify-compatible endpoint beside the protocol (call before {@link #start}). */
    public void serveUpgrades(UpgradeRoute route) {
        this.upgrades = route;
    }

    /**
     * Requires a PROXY protocol header from {@code sources} on every browser-facing listener and
     * refuses one from anyone else (call before {@link #start}).
     */
    public void acceptProxyProtocolFrom(TrustedSources sources) {
        this.proxyProtocolFrom = sources;
    }

    /** Binds every plain listener; throws {@link ListenFailure} (and unbinds what it bound) if any address is taken. */
    public List<InetSocketAddress> start() throws InterruptedException {
        return bind(context.config().listen(), null);
    }

    /** Binds HTTPS/WSS listeners with certificates from {@code tls}. */
    public List<InetSocketAddress> startTls(List<InetSocketAddress> addresses, ReloadingServerTls tls) throws InterruptedException {
        return bind(addresses, tls);
    }

    /**
     * Binds the admin listener: /metrics, /healthz and /readyz for any Host, nothing else. It
     * stays open during a drain, so probes see /readyz turn 503 and the drain can be watched.
     * It has a loop of its own, on NIO with heap buffers ({@link HeapIoAllocator}): operators
     * keep seeing the gateway while clients hold the workers' direct memory at its cap or keep
     * the workers busy, which is when they need to most.
     */
    public InetSocketAddress startAdmin(InetSocketAddress address) throws InterruptedException {
        adminLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(adminLoop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, new HeapIoAllocator())
                .childHandler(new AdminInitializer(ops, context.metrics().directMemoryExhausted));
        List<InetSocketAddress> bound = bind(bootstrap, List.of(address), "admin http");
        return bound.get(0);
    }

    private List<InetSocketAddress> bind(List<InetSocketAddress> addresses, ReloadingServerTls tls) throws InterruptedException {
        ServerBootstrap bootstrap = bootstrap()
                .childHandler(new GatewayInitializer(context, endpoints, clientAddresses, tls, staticFiles, ops, proxyProtocolFrom,
                        upgrades));
        return bind(bootstrap, addresses, tls == null ? "http" : "https");
    }

    /**
     * Netty's default read sizing and the 16 reads per wake-up its socket channels default to
     * (a bare instance would do one), one instance for every connection: nothing changes it
     * after this (each channel gets its own handle from it), and the per-channel default
     * instance is heap an idle session keeps.
     */
    private static final AdaptiveRecvByteBufAllocator READS = browserReads();

    private static AdaptiveRecvByteBufAllocator browserReads() {
        AdaptiveRecvByteBufAllocator reads = new AdaptiveRecvByteBufAllocator();
        reads.maxMessagesPerRead(16);
        return reads;
    }

    /**
     * Unsent bytes the kernel takes from one browser-facing connection (TCP_NOTSENT_LOWAT, Linux,
     * epoll): past it a write waits, the channel's own 128 KiB mark fills and the connection stops
     * being read. Without it the kernel grows a connection's send buffer up to {@code tcp_wmem}'s
     * maximum (4 MiB by default) for a client that never reads: 100 pipeliners made the gateway
     * write some 2.8 MB of answers each (about 21,000 of the client script) and that burst kept a
     * new WebSocket handshake waiting 8-12 s on a loaded machine (issue 11, bench S8). Bytes
     * already sent and not yet acknowledged do not count, so bulk throughput keeps its window.
     */
    static final long NOT_SENT_LOW_WATER = 256 * 1024;

    private ServerBootstrap bootstrap() {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptor(), loops.workers())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(pins) // sees each accepted connection once, for the pinned-bytes gauges
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS);
        if (loops.serverChannel() == EpollServerSocketChannel.class) {
            bootstrap.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, NOT_SENT_LOW_WATER);
        }
        return bootstrap;
    }

    private List<InetSocketAddress> bind(ServerBootstrap bootstrap, List<InetSocketAddress> addresses, String scheme)
            throws InterruptedException {
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                ChannelFuture bind = bootstrap.bind(address).await();
                if (!bind.isSuccess()) {
                    throw new ListenFailure(address, bind.cause());
                }
                Channel listener = bind.channel();
                listeners.add(listener);
                bound.add((InetSocketAddress) listener.localAddress());
                connectBack.addListener((InetSocketAddress) listener.localAddress());
                LOG.info("listening on {}://{}", scheme, hostPort((InetSocketAddress) listener.localAddress()));
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        return bound;
    }

    private static String version() {
        String version = GatewayServer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public GatewayContext context() {
        return context;
    }

    public EventLoops loops() {
        return loops;
    }

    /**
     * Graceful drain: refuse new sessions (readiness goes 503), let open channels run until
     * the deadline or until none is left, then close every session with 4010 and wait (a
     * few seconds at most) until every session has handed its SESSION_CLOSE to its transport.
     * Clients hear nothing before the deadline on purpose: a client told early would only
     * reconnect to a gateway that refuses it, while its channels could still finish here.
     */
    public void drain(Duration deadline) throws InterruptedException {
        context.registry().startDraining();
        long end = System.nanoTime() + deadline.toNanos();
        while (context.registry().sessionCount() > 0 && channelsOpen() > 0 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        LOG.info("drain: closing {} sessions with {} channels open", context.registry().sessionCount(), channelsOpen());
        context.registry().closeAll(CloseCode.GATEWAY_SHUTDOWN, "the gateway is shutting down");
        long closeEnd = System.nanoTime() + CLOSE_BOUND.toNanos();
        while (context.registry().sessionCount() > 0 && System.nanoTime() < closeEnd) {
            Thread.sleep(10);
        }
    }

    private long channelsOpen() {
        return context.metrics().channelsOpened.sum() - context.metrics().channelsClosed.sum();
    }

    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        listeners.clear();
        if (adminLoop != null) {
            adminLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        lag.stop();
        scraper.close();
        if (staticFiles != null) {
            staticFiles.close();
        }
        context.registry().closeAll(CloseCode.GATEWAY_SHUTDOWN, "the gateway is shutting down");
    }
}
