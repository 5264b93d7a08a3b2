package io.cometgate.relay;

import io.cometgate.protocol.CloseCode;
import io.cometgate.session.ChannelOwner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.OutOfDirectMemoryError;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A session as a channel sees it, recording every frame the channel sends toward the client. */
final class RecordingOwner implements ChannelOwner {

    record Close(int channelId, CloseCode code, String reason) { }

    final List<Close> closes = new ArrayList<>();
    final List<String> opened = new ArrayList<>();
    final List<String> data = new ArrayList<>();
    final List<Long> credits = new ArrayList<>();
    final List<Integer> forgotten = new ArrayList<>();
    boolean keepingUp = true;
    long readRoom = Long.MAX_VALUE;
    int allocationFailures;
    private final EventLoop loop;

    RecordingOwner(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String origin() {
        return "https://app.test";
    }

    @Override
    public InetAddress clientAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public void sendOpened(int channelId, String json) {
        opened.add(json);
    }

    @Override
    public void sendData(int channelId, ByteBuf payload) {
        data.add(payload.toString(StandardCharsets.UTF_8));
        payload.release();
    }

    @Override
    public void sendCredit(int channelId, long bytes) {
        credits.add(bytes);
    }

    @Override
    public void sendClose(int channelId, CloseCode code, String reason) {
        closes.add(new Close(channelId, code, reason));
    }

    @Override
    public boolean canReadBackends() {
        return keepingUp;
    }

    @Override
    public long backendReadRoom() {
        return readRoom;
    }

    @Override
    public void channelClosed(int channelId) {
        forgotten.add(channelId);
    }

    @Override
    public void allocationFailed(OutOfDirectMemoryError exhausted) {
        allocationFailures++;
    }
}
