package io.cometgate.http;

import io.cometgate.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells the session behind the HTTP connection's current receiver when the connection goes
 * away or can take data again. One per HTTP connection; a keep-alive connection re-targets
 * it with each request that attaches a receiver.
 */
public final class ConnectionWatcher extends ChannelInboundHandlerAdapter {

    private Session session;
    private Runnable onClose;

    public static ConnectionWatcher of(Channel channel) {
        return channel.pipeline().get(ConnectionWatcher.class);
    }

    public void watch(Session watched, Runnable whenClosed) {
        this.session = watched;
        this.onClose = whenClosed;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null && !session.loop().isShuttingDown()) {
            session.loop().execute(onClose); // a loop shutting down takes its sessions with it
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null && ctx.channel().isWritable()) {
            Session watched = session;
            watched.loop().execute(watched::receiverWritable);
        }
        ctx.fireChannelWritabilityChanged();
    }
}
