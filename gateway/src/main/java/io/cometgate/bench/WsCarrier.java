package io.cometgate.bench;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;
import java.net.URI;

/** The websocket transport: {@code GET prefix/ws} creates the session; each message is a batch. */
final class WsCarrier implements GatewayConn.Carrier, WsLink.Events {

    private final GatewayConn conn;
    private WsLink link;
    private final InetAddress source;
    private boolean ready;
    private ByteBuf early;

    WsCarrier(GatewayConn conn, InetAddress source) {
        this.conn = conn;
        this.source = source;
    }

    @Override
    public void start() {
        URI base = conn.route.uri();
        // Batches as large as WsLink reads (docs/PROTOCOL.md, "maxBatch"): a 128 KiB cap costs
        // the gateway and this client about a third more CPU per MB in bulk.
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getPath() + "/ws?maxBatch=" + WsLink.MAX_MESSAGE);
        // On the connection's loop: its handshake events run there too, so they cannot arrive
        // before the field is set (ready() uses it; from another thread they raced).
        conn.loop().execute(() -> this.link = new WsLink(conn.context, conn.loop(), source, ws, this));
    }

    @Override
    public void sendUp(ByteBuf batch) {
        if (ready) {
            link.send(batch);
        } else if (early == null) {
            early = batch;
        } else {
            early = io.netty.buffer.Unpooled.wrappedBuffer(early, batch);
        }
    }

    @Override
    public void shutdown() {
        if (early != null) {
            early.release();
            early = null;
        }
        if (link != null) {
            link.close();
        }
    }

    @Override
    public void ready() {
        ready = true;
        if (early != null) {
            link.send(early);
            early = null;
        }
    }

    @Override
    public void message(ByteBuf payload) {
        conn.batch(payload);
    }

    @Override
    public void closed(String reason) {
        conn.fail(reason);
    }
}
