package io.cometgate.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stops reading a connection while its answers are not written: at most
 * {@link #MAX_IN_FLIGHT} requests wait for their responses, and no new request is taken while
 * the connection's write buffer is over its high-water mark. A client that pipelines
 * thousands of requests and never reads the answers then holds one write buffer, a few
 * answers and one read's worth of parsed requests, instead of every answer.
 *
 * <p>What one connection pins is bounded both ways: outbound, its write buffer (up to the 128 KiB
 * high-water mark plus the answer that crossed it) and {@link #MAX_IN_FLIGHT} answers; inbound,
 * at most {@link #MAX_HELD} parsed requests waiting for a slot. The codec parses a whole read at
 * once (up to 64 KiB, about 1,200 pipelined 54-byte GETs, some 500 bytes of heap each), so a
 * connection that far ahead of its answers is closed instead of held: browsers do not pipeline,
 * and an honest pipelining client never gets that far ahead of a server that answers
 * (counted in {@code cometgate_pipelining_closed_total}).
 *
 * <p>Sits right after the HTTP codec. Requests are held back whole (a request whose head went
 * through always gets its body, or the aggregator would wait forever), in order, and reading
 * resumes when a response is written and the buffer has drained.
 */
public final class RequestPacer extends ChannelDuplexHandler {

    /** Requests answered in order on one connection; browsers pipeline none, so this only stops abuse. */
    static final int MAX_IN_FLIGHT = 8;
    /** Parsed requests waiting for a slot beyond {@link #MAX_IN_FLIGHT}; one more and the connection closes. */
    static final int MAX_HELD = 32;

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final LongAdder closedForPipelining;
    private int inFlight;
    private int heldRequests;
    private boolean resumeScheduled;
    private boolean closing;

    /** @param closedForPipelining counts connections closed for holding more than {@link #MAX_HELD} requests */
    public RequestPacer(LongAdder closedForPipelining) {
        this.closedForPipelining = closedForPipelining;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg); // the rest of the read that went over the bound
            return;
        }
        if (!held.isEmpty() || (msg instanceof HttpRequest && mustWait(ctx))) {
            if (msg instanceof HttpRequest && ++heldRequests > MAX_HELD) {
                closing = true;
                ReferenceCountUtil.release(msg);
                releaseHeld();
                closedForPipelining.increment();
                ctx.close();
                return;
            }
            held.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        pass(ctx, msg);
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inFlight++;
            if (mustWait(ctx)) {
                ctx.channel().config().setAutoRead(false); // the rest of this read is held, no new read starts
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean mustWait(ChannelHandlerContext ctx) {
        return inFlight >= MAX_IN_FLIGHT || !ctx.channel().isWritable();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean answered = msg instanceof LastHttpContent && !isInterim(msg);
        ctx.write(msg, promise);
        if (answered && inFlight > 0) {
            inFlight--;
            scheduleResume(ctx);
        }
    }

    /** {@code 100 Continue} precedes the real answer. */
    private static boolean isInterim(Object msg) {
        return msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.CONTINUE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            scheduleResume(ctx);
        } else {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Resumes outside the write that freed a slot, so a handler is never re-entered from its own write. */
    private void scheduleResume(ChannelHandlerContext ctx) {
        if (!resumeScheduled) {
            resumeScheduled = true;
            ctx.executor().execute(() -> {
                resumeScheduled = false;
                resume(ctx);
            });
        }
    }

    private void resume(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return;
        }
        while (!held.isEmpty()) {
            if (held.peek() instanceof HttpRequest && mustWait(ctx)) {
                return;
            }
            Object next = held.poll();
            if (next instanceof HttpRequest) {
                heldRequests--;
            }
            pass(ctx, next);
        }
        if (!mustWait(ctx)) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
        heldRequests = 0;
    }
}
