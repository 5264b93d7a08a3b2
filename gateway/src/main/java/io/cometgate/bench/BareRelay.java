package io.cometgate.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;

/**
 * S0's second baseline: the least a Netty TCP relay can do (no protocol, no policy, no
 * sessions): accept, connect the target on the same event loop, copy bytes both ways with
 * read-after-write backpressure. The gap between it and the gateway is the gateway's own cost.
 */
final class BareRelay implements AutoCloseable {

    private Channel listener;

    InetSocketAddress start(Loops loops, InetSocketAddress listen, InetSocketAddress target) {
        Loopback.require(listen);
        Loopback.require(target);
        listener = new ServerBootstrap().group(loops.group()).channel(loops.server())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Front(loops, target))
                .bind(listen).syncUninterruptibly().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class Front extends ChannelInboundHandlerAdapter {
        private final Loops loops;
        private final InetSocketAddress target;

        Front(Loops loops, InetSocketAddress target) {
            this.loops = loops;
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel in = ctx.channel();
            new Bootstrap().group(in.eventLoop()).channel(loops.socket())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Pipe(in))
                    .connect(target).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            Channel out = f.channel();
                            in.pipeline().replace(this, "pipe", new Pipe(out));
                            in.read();
                            out.read();
                        } else {
                            in.close();
                        }
                    });
        }
    }

    /** Copies what one side reads to the other, reading again only after the write completed. */
    private static final class Pipe extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Pipe(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
