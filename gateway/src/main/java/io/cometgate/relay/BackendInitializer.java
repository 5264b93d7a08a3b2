package io.cometgate.relay;

import io.cometgate.policy.Decision;
import io.cometgate.relay.clientaddr.ProxyProtocolHeader;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/**
 * The pipeline of a backend connection, in order, and the only place it is built: the PROXY
 * header (first bytes on the wire, before TLS), TLS with SNI and certificate checks against
 * the target NAME (the socket itself goes to the checked address), then the
 * {@link BackendHandler} that feeds the channel. No idle timer: the session's tick checks
 * idleness ({@link VirtualChannel#checkIdle}), which saves every channel a handler and a timer.
 */
final class BackendInitializer extends ChannelInitializer<SocketChannel> {

    static final String PROXY_HEADER = "proxy-header";
    static final String TLS = "tls";
    static final String RELAY = "relay";

    private final Decision decision;
    private final BackendExtras.Loaded extras;
    private final InetSocketAddress client;
    private final VirtualChannel channel;

    BackendInitializer(Decision decision, BackendExtras.Loaded extras, InetSocketAddress client, VirtualChannel channel) {
        this.decision = decision;
        this.extras = extras;
        this.client = client;
        this.channel = channel;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        String proxy = decision.options().proxyProtocol();
        if (proxy != null) {
            pipeline.addLast(PROXY_HEADER,
                    new ProxyHeaderWriter(ProxyProtocolHeader.Version.parse(proxy), client, decision.address()));
        }
        if (extras.tls() != null) {
            String name = decision.serverName() != null ? decision.serverName()
                    : decision.address().getAddress().getHostAddress();
            pipeline.addLast(TLS, extras.tls().newHandler(ch.alloc(), name, decision.address()));
        }
        ch.config().setRecvByteBufAllocator(new CreditBoundReads(BackendConnector.READ_SIZES, channel));
        pipeline.addLast(RELAY, new BackendHandler(channel));
    }
}
