package io.cometgate.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's backend. The first byte a connection sends picks its job, so one port
 * serves every scenario and every route (direct, relay, gateway, websockify) alike:
 * {@code 'E'} echo everything after it; {@code 'S'} source: send 64 KiB writes as fast as the
 * peer reads until it hangs up; {@code 'T'} + count (int) + interval ms (int): send count
 * 12-byte ticks ({@code System.nanoTime()}, index), one per interval.
 */
final class BenchBackend implements AutoCloseable {

    static final byte ECHO = 'E';
    static final byte SOURCE = 'S';
    static final byte TICK = 'T';
    static final int TICK_BYTES = 12;
    static final int SOURCE_WRITE = 64 * 1024;

    /**
     * S5 ticks due within this of each other are written in the same wake-up. Each is stamped
     * when written, so the latency the client measures is unchanged; a late pass may hold a tick
     * back by as long as the pass was late.
     */
    static final long TICK_COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(SOURCE_WRITE).writeZero(SOURCE_WRITE)).asReadOnly();

    private final List<Channel> listeners = new ArrayList<>();
    /** One tick queue per event loop and interval (a handful: loops x the intervals asked for). */
    private final Map<TickQueueKey, DueQueue> tickQueues = new ConcurrentHashMap<>();

    private record TickQueueKey(EventExecutor loop, int intervalMillis) { }

    List<InetSocketAddress> start(Loops loops, List<InetSocketAddress> addresses) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(loops.group()).channel(loops.server())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Job(tickQueues));
                    }
                });
        List<InetSocketAddress> bound = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            Loopback.require(address);
            Channel ch = bootstrap.bind(address).syncUninterruptibly().channel();
            listeners.add(ch);
            bound.add((InetSocketAddress) ch.localAddress());
        }
        return bound;
    }

    @Override
    public void close() {
        listeners.forEach(ch -> ch.close().syncUninterruptibly());
    }

    /** One connection: waits for the mode byte (and its arguments), then does that job. */
    private static final class Job extends ChannelInboundHandlerAdapter implements DueQueue.Item {
        private final Map<TickQueueKey, DueQueue> tickQueues;
        private byte mode;
        private ByteBuf header;
        private ChannelHandlerContext ticking;
        private int ticksLeft;
        private int ticksSent;
        private long intervalNanos;
        private long dueNanos;

        Job(Map<TickQueueKey, DueQueue> tickQueues) {
            this.tickQueues = tickQueues;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (mode == 0) {
                if (header == null) {
                    header = ctx.alloc().buffer(9);
                }
                int want = header.isReadable() && header.getByte(0) == TICK ? 9 : 1;
                while (in.isReadable() && header.readableBytes() < want) {
                    header.writeByte(in.readByte());
                    want = header.getByte(0) == TICK ? 9 : 1;
                }
                if (header.readableBytes() < want) {
                    in.release();
                    return;
                }
                mode = header.readByte();
                switch (mode) {
                    case ECHO -> { }
                    case SOURCE -> fill(ctx);
                    case TICK -> startTicks(ctx, header.readInt(), header.readInt());
                    default -> {
                        in.release();
                        ctx.close();
                        return;
                    }
                }
                header.release();
                header = null;
            }
            if (mode == ECHO && in.isReadable()) {
                ctx.write(in);
            } else {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (mode == ECHO && !ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false); // the echo stops reading while the peer is not reading
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                if (mode == SOURCE) {
                    fill(ctx);
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        private void fill(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            while (ch.isActive() && ch.isWritable()) {
                ctx.writeAndFlush(CHUNK.duplicate(), ctx.voidPromise());
            }
        }

        private void startTicks(ChannelHandlerContext ctx, int count, int intervalMs) {
            if (count <= 0) {
                return;
            }
            int interval = Math.max(1, intervalMs);
            ticking = ctx;
            ticksLeft = count;
            intervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
            dueNanos = System.nanoTime() + intervalNanos;
            tickQueues.computeIfAbsent(new TickQueueKey(ctx.executor(), interval), k -> new DueQueue(k.loop(), TICK_COALESCE_NANOS)).add(this);
        }

        @Override
        public long dueNanos() {
            return dueNanos;
        }

        /** Sends the tick due now and moves its due time on; false when it sent its last one or its connection is gone. */
        @Override
        public boolean fire() {
            ChannelHandlerContext ctx = ticking;
            if (ticksLeft <= 0 || !ctx.channel().isActive()) {
                return false;
            }
            ctx.writeAndFlush(ctx.alloc().buffer(TICK_BYTES).writeLong(System.nanoTime()).writeInt(ticksSent++));
            dueNanos += intervalNanos;
            return --ticksLeft > 0;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ticksLeft = 0; // its queue drops it at its next due time
            if (header != null) {
                header.release();
                header = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets from clients that hang up are expected
        }
    }
}
