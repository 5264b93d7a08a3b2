package io.cometgate.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** One chat member: each line it sends goes to every member, prefixed with its name. */
final class ChatHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private static final AtomicInteger GUESTS = new AtomicInteger();

    private final ChannelGroup members;
    private final String name = "guest" + GUESTS.incrementAndGet();

    ChatHandler(ChannelGroup members) {
        this.members = members;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), "* welcome, you are " + name + " (" + (members.size() + 1) + " here)\n"));
        broadcast(ctx, "* " + name + " joined\n");
        members.add(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        broadcast(ctx, "* " + name + " left\n");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        broadcast(ctx, name + ": " + line.toString(StandardCharsets.UTF_8) + "\n");
    }

    private void broadcast(ChannelHandlerContext ctx, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (var member : members) {
            if (member.isWritable()) { // a member that stopped reading misses lines rather than growing memory
                member.writeAndFlush(member.alloc().buffer(bytes.length).writeBytes(bytes));
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
