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

/**
 * Stops reading a connection while its answers are not written: at most
 * {@link #MAX_IN_FLIGHT} requests wait for their responses, and no new request is taken while
 * the connection's write buffer is over its high-water mark. A client that pipelines
 * thousands of requests and never reads the answers then holds one write buffer, a few
 * answers and one read's worth of parsed requests, instead of every answer.
 *
 * <p>Sits right after the HTTP codec. Requests are held back whole (a request whose head went
 * through always gets its body, or the aggregator would wait forever), in order, and reading
 * resumes when a response is written and the buffer has drained.
 */
public final class RequestPacer extends ChannelDuplexHandler {

    /** Requests answered in order on one connection; browsers pipeline none, so this only stops abuse. */
    static final int MAX_IN_FLIGHT = 8;

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private int inFlight;
    private boolean resumeScheduled;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || (msg instanceof HttpRequest && mustWait(ctx))) {
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
            pass(ctx, held.poll());
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
    }
}
