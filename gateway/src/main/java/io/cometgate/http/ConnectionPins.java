package io.cometgate.http;

import io.cometgate.metrics.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.function.ToLongFunction;

/**
 * What browser-facing connections pin on the gateway's side: the bytes written to a connection
 * and not yet taken by the kernel (Netty's outbound buffer), the largest and the sum, and how
 * many connections are past their high-water mark (not read until they drain). A client that
 * never reads (issue 11's pipeliner) shows up here at about the 128 KiB mark, before it shows
 * anywhere else. Bytes already in the kernel's send buffer are not counted (at most
 * {@link GatewayServer#NOT_SENT_LOW_WATER} unsent per connection on Linux).
 *
 * <p>Sits on the listening channel's pipeline, where each accepted connection passes by once;
 * {@link DefaultChannelGroup} (Netty's) forgets a connection when it closes. The gauges walk the
 * open connections when /metrics is scraped, not on any event loop; the figures they read are
 * the outbound buffer's own atomically updated counters.
 */
@ChannelHandler.Sharable
final class ConnectionPins extends ChannelInboundHandlerAdapter {

    private final ChannelGroup connections = new DefaultChannelGroup("browser-facing", GlobalEventExecutor.INSTANCE);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel accepted) {
            connections.add(accepted);
        }
        ctx.fireChannelRead(msg);
    }

    void registerWith(GatewayMetrics metrics) {
        metrics.register(GaugeWithCallback.builder().name("cometgate_connection_max_pinned_bytes")
                .help("The most bytes written to one browser-facing connection and not yet taken by the kernel "
                        + "(a client that does not read holds about the 128 KiB high-water mark).")
                .unit(Unit.BYTES)
                .callback(cb -> cb.call(max()))
                .build());
        metrics.register(GaugeWithCallback.builder().name("cometgate_connections_pinned_bytes")
                .help("Bytes written to browser-facing connections and not yet taken by the kernel, all connections.")
                .unit(Unit.BYTES)
                .callback(cb -> cb.call(total()))
                .build());
        metrics.register(GaugeWithCallback.builder().name("cometgate_connections_unwritable")
                .help("Browser-facing connections past their 128 KiB high-water mark: the gateway neither reads "
                        + "them nor queues more for them until they drain.")
                .callback(cb -> cb.call(count(channel -> channel.isWritable() ? 0 : 1)))
                .build());
    }

    long max() {
        long max = 0;
        for (Channel channel : connections) {
            max = Math.max(max, pending(channel));
        }
        return max;
    }

    long total() {
        return count(ConnectionPins::pending);
    }

    private long count(ToLongFunction<Channel> each) {
        long sum = 0;
        for (Channel channel : connections) {
            sum += each.applyAsLong(channel);
        }
        return sum;
    }

    /** The outbound buffer's running total (0 once the connection is closed and the buffer gone). */
    private static long pending(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
