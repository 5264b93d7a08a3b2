package io.cometgate.session;

import io.netty.buffer.ByteBuf;

/**
 * Sequenced frames sent (or about to be sent) to the client and not yet acknowledged, in
 * sequence order, addressable by sequence number. Bytes are counted so the session can stop
 * reading backends while the client lags; nothing is dropped until acknowledged.
 */
final class RetransmitBuffer {

    private static final int INITIAL_CAPACITY = 8;
    /**
     * The ring, {@code null} while nothing is kept: an idle session whose client acknowledged
     * everything keeps no array (48 B of every idle session's heap, docs/BENCHMARKS.md, S1).
     * A ring that empties is dropped; a busy session keeps its ring as long as frames wait.
     */
    private ByteBuf[] frames;
    private int head;
    private int size;
    /** Sequence number of the frame at {@code head}. */
    private long firstSeq = 1;
    private long bytes;

    long nextSeq() {
        return firstSeq + size;
    }

    long firstSeq() {
        return firstSeq;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends the frame for {@link #nextSeq()}; takes ownership. */
    void add(ByteBuf frame) {
        if (frames == null) {
            frames = new ByteBuf[INITIAL_CAPACITY];
            head = 0;
        } else if (size == frames.length) {
            grow();
        }
        frames[(head + size) & (frames.length - 1)] = frame;
        size++;
        bytes += frame.readableBytes();
    }

    /** The frame with this sequence number (still owned by the buffer). */
    ByteBuf get(long seq) {
        return frames[(int) ((head + (seq - firstSeq)) & (frames.length - 1))];
    }

    /** Releases every frame up to and including {@code seq}; returns how many were released. */
    int ackUpTo(long seq) {
        int released = 0;
        while (size > 0 && firstSeq <= seq) {
            ByteBuf frame = frames[head];
            frames[head] = null;
            bytes -= frame.readableBytes();
            frame.release();
            head = (head + 1) & (frames.length - 1);
            size--;
            firstSeq++;
            released++;
        }
        if (size == 0) {
            frames = null;
        }
        return released;
    }

    void releaseAll() {
        while (size > 0) {
            frames[head].release();
            frames[head] = null;
            head = (head + 1) & (frames.length - 1);
            size--;
        }
        frames = null;
        bytes = 0;
    }

    /** Slots of the ring, 0 while there is none (tests). */
    int capacity() {
        return frames == null ? 0 : frames.length;
    }

    private void grow() {
        ByteBuf[] bigger = new ByteBuf[frames.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = frames[(head + i) & (frames.length - 1)];
        }
        frames = bigger;
        head = 0;
    }
}
