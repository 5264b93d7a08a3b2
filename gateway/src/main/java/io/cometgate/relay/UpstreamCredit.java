package io.cometgate.relay;

import io.cometgate.protocol.WindowBudget;
import io.cometgate.protocol.WindowTuner;
import io.cometgate.session.ChannelOwner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import java.util.ArrayDeque;

/**
 * The client -> backend half of a {@link VirtualChannel}: the credit the client may send
 * against, the data it sent before the backend connected, the credit returned as the backend
 * accepts bytes, and the growing upstream window (docs/PROTOCOL.md, "Growing windows").
 *
 * <p>A base class rather than a field on purpose: a channel stays one object, and the heap of
 * an idle session with one channel is a measured target (docs/BENCHMARKS.md, S1), where a
 * second object per channel would cost its header and back references. Runs on the session's
 * event loop like the channel.
 */
abstract class UpstreamCredit {

    final ChannelOwner session;
    final int id;
    final int initialWindow;
    final long createdNanos = System.nanoTime();
    private final int maxWindow;
    private long upGranted;
    private long upReceived;
    /**
     * Client data that arrived before the backend connected: bounded by the initial window.
     * Created on first use: most channels never need it, and an idle session's heap counts.
     */
    private ArrayDeque<ByteBuf> heldUp;
    /**
     * Grows the upstream window while the client sends faster than a window per two round
     * trips. Created with the first grant: a channel the client never sends on costs nothing,
     * and does not count against the session's budget.
     */
    private WindowTuner upWindow;
    private long creditToReturn;
    private boolean creditFlushScheduled;

    UpstreamCredit(ChannelOwner session, int id, int initialWindow, int maxWindow) {
        this.session = session;
        this.id = id;
        this.initialWindow = initialWindow;
        this.maxWindow = maxWindow;
        this.upGranted = initialWindow;
    }

    /** Whether the channel has ended: no credit goes out after that. */
    abstract boolean isClosed();

    /** Counts {@code n} bytes from the client; returns how far past the granted credit they went (0: within it). */
    final long overdraft(int n) {
        upReceived += n;
        return Math.max(0, upReceived - upGranted);
    }

    /** Keeps client data until the backend is connected ({@link #writeHeldTo}). */
    final void holdUntilConnected(ByteBuf data) {
        if (heldUp == null) {
            heldUp = new ArrayDeque<>(2);
        }
        heldUp.add(data);
    }

    final void writeHeldTo(Channel backend) {
        if (heldUp != null) {
            while (!heldUp.isEmpty()) {
                writeTo(backend, heldUp.poll());
            }
            heldUp = null;
        }
    }

    final void writeTo(Channel backend, ByteBuf data) {
        int n = data.readableBytes();
        backend.writeAndFlush(data).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                returnCredit(n);
            }
        });
    }

    /**
     * Credit goes back as the backend accepts bytes, in CREDIT frames of at least an eighth of
     * the window: the client always keeps 7/8 of its window, so it never waits for them, and a
     * small request/response exchange costs no extra frame. While the client lags behind on
     * acknowledgements no credit goes out (every CREDIT frame is kept until acknowledged); what
     * accumulates meanwhile goes out as one grant once it catches up.
     */
    private void returnCredit(int n) {
        creditToReturn += n;
        scheduleCreditGrant();
    }

    final void scheduleCreditGrant() {
        long window = upWindow == null ? initialWindow : upWindow.window();
        if (creditToReturn >= Math.max(1, window / 8) && !creditFlushScheduled && session.canReadBackends()) {
            creditFlushScheduled = true;
            session.loop().execute(this::grantCredit);
        }
    }

    private void grantCredit() {
        creditFlushScheduled = false;
        if (isClosed() || creditToReturn == 0 || !session.canReadBackends()) {
            return; // withheld credit stays counted for the next grant
        }
        if (upWindow == null) {
            WindowBudget budget = session.upstreamWindowBudget();
            budget.open(initialWindow);
            upWindow = new WindowTuner(initialWindow, maxWindow, budget, createdNanos);
        }
        long grant = creditToReturn + upWindow.consumed(creditToReturn, System.nanoTime(), session.rttNanos());
        upGranted += grant;
        session.sendCredit(id, grant);
        creditToReturn = 0;
    }

    /** The channel ended: held data is released and the window's growth goes back to the session's budget. */
    final void releaseUpstream() {
        if (heldUp != null) {
            while (!heldUp.isEmpty()) {
                heldUp.poll().release();
            }
            heldUp = null;
        }
        if (upWindow != null) {
            upWindow.release();
            session.upstreamWindowBudget().close(initialWindow);
            upWindow = null;
        }
    }
}
