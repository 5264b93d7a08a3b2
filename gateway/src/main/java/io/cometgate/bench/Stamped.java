package io.cometgate.bench;

import io.netty.buffer.ByteBuf;

/**
 * Reassembles fixed-size messages whose first 8 bytes are a {@code System.nanoTime()} stamp
 * (TCP and the transports may split or merge them) and reports each whole one.
 */
abstract class Stamped implements Conn.Listener {

    private final int size;
    private long position;
    private long stamp;

    Stamped(int size) {
        this.size = size;
    }

    abstract void message(Conn conn, long stampNanos);

    @Override
    public void onData(Conn conn, ByteBuf data) {
        while (data.isReadable()) {
            int offset = (int) (position % size);
            if (offset < 8) {
                stamp = (stamp << 8) | data.readUnsignedByte();
                position++;
            } else {
                int n = Math.min(data.readableBytes(), size - offset);
                data.skipBytes(n);
                position += n;
            }
            if (position % size == 0) {
                message(conn, stamp);
                stamp = 0;
            }
        }
    }
}
