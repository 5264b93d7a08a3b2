package io.cometgate.session;

import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.lang.reflect.Constructor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A receiver that decodes and remembers everything delivered to it. */
final class FakeReceiver implements Receiver {

    record Seen(FrameType type, int channel, long seq, String text, int code) { }

    final List<Seen> frames = new ArrayList<>();
    final boolean poll;
    boolean writable = true;
    boolean ended;
    boolean replaced;
    boolean aborted;
    int failNextDeliveries;
    int batches;

    FakeReceiver(boolean poll) {
        this.poll = poll;
    }

    @Override
    public boolean deliver(ByteBuf batch, long highestSeq) {
        if (failNextDeliveries > 0) { // as a transport's encoding meets the direct-memory cap
            failNextDeliveries--;
            batch.release();
            throw outOfDirectMemory();
        }
        batches++;
        try {
            for (Frame f : FrameCodec.decodeBatch(batch, 1 << 20)) {
                int code = f.type() == FrameType.CLOSE || f.type() == FrameType.SESSION_CLOSE
                        ? f.payload().getUnsignedShort(f.payload().readerIndex()) : 0;
                frames.add(new Seen(f.type(), f.channel(), f.seq(), f.payload().toString(StandardCharsets.UTF_8), code));
                f.release();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            batch.release();
        }
        return !poll;
    }

    @Override
    public boolean isWritable() {
        return writable && !ended;
    }

    @Override
    public boolean greetsWithHello() {
        return !poll;
    }

    @Override
    public boolean wantsIdleHeartbeats() {
        return !poll;
    }

    @Override
    public boolean takesLoneAck() {
        return !poll;
    }

    @Override
    public void end(boolean wasReplaced) {
        ended = true;
        replaced = wasReplaced;
    }

    @Override
    public void abort() {
        ended = true;
        aborted = true;
    }

    /** Netty's own error for an allocation past the cap (its constructor is not public). */
    static OutOfDirectMemoryError outOfDirectMemory() {
        try {
            Constructor<OutOfDirectMemoryError> make = OutOfDirectMemoryError.class.getDeclaredConstructor(String.class);
            make.setAccessible(true);
            return make.newInstance("failed to allocate 65536 byte(s) of direct memory (a test)");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    List<Long> sequenced(FrameType type) {
        return frames.stream().filter(s -> s.type() == type).map(Seen::seq).toList();
    }

    boolean has(FrameType type) {
        return frames.stream().anyMatch(s -> s.type() == type);
    }
}
