package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import io.cometgate.config.TransportKind;
import io.cometgate.http.HttpResponses;
import io.cometgate.http.ProtocolHandler;
import io.cometgate.http.RequestInfo;
import io.cometgate.protocol.CloseCode;
import io.cometgate.protocol.Frame;
import io.cometgate.protocol.FrameCodec;
import io.cometgate.protocol.FrameType;
import io.cometgate.protocol.ProtocolException;
import io.cometgate.http.ConnectionWatcher;
import io.cometgate.http.GatewayContext;
import io.cometgate.session.Session;
import io.cometgate.session.SessionEnd;
import io.cometgate.session.SessionIds;
import io.cometgate.session.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The protocol endpoints under the path prefix (docs/PROTOCOL.md, "HTTP endpoints"): creating
 * sessions, attaching receivers of every transport, and the upstream POST. Every request for
 * an existing session is checked against the Origin and client address that created it.
 */
public final class ProtocolEndpoints implements ProtocolHandler {

    private final GatewayContext context;
    private final GatewayConfig config;
    private final WebSocketUpgrade webSocket;

    public ProtocolEndpoints(GatewayContext context) {
        this.context = context;
        this.config = context.config();
        this.webSocket = new WebSocketUpgrade(context, this);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String endpoint, RequestInfo info) {
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        try {
            query.parameters(); // decoded once here, so a bad %-escape is this request's 400, not a dropped connection
        } catch (IllegalArgumentException malformed) {
            fail(ctx, HttpResponseStatus.BAD_REQUEST, "malformed query string: " + malformed.getMessage(), info);
            return;
        }
        HttpMethod method = req.method();
        if (endpoint.equals("session")) {
            if (expect(ctx, method, HttpMethod.POST, info)) {
                createSession(ctx, info);
            }
            return;
        }
        if (endpoint.equals("send")) {
            if (expect(ctx, method, HttpMethod.POST, info)) {
                send(ctx, req, query, info);
            }
            return;
        }
        TransportKind kind = kindFor(endpoint);
        if (kind == null) {
            fail(ctx, HttpResponseStatus.NOT_FOUND, "no such endpoint: " + endpoint, info);
        } else if (!config.transports().contains(kind)) {
            fail(ctx, HttpResponseStatus.NOT_FOUND, "transport " + kind.label() + " is disabled on this gateway", info);
        } else if (expect(ctx, method, HttpMethod.GET, info)) {
            if (kind == TransportKind.WEBSOCKET) {
                webSocket.upgrade(ctx, req, query, info);
            } else {
                attach(ctx, req, query, info, kind);
            }
        }
    }

    private static TransportKind kindFor(String endpoint) {
        for (TransportKind kind : TransportKind.values()) {
            if (kind.path().equals(endpoint)) {
                return kind;
            }
        }
        return null;
    }

    private boolean expect(ChannelHandlerContext ctx, HttpMethod actual, HttpMethod expected, RequestInfo info) {
        if (actual.equals(expected)) {
            return true;
        }
        fail(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + expected, info);
        return false;
    }

    void fail(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, RequestInfo info) {
        failOn(ctx.channel(), status, reason, info);
    }

    void failOn(Channel channel, HttpResponseStatus status, String reason, RequestInfo info) {
        context.metrics().httpErrors.increment();
        HttpResponses.error(channel, status, reason, info.keepAlive(), info.cors());
    }

    /**
     * Answers a request for a session that is gone with how it ended, in the status the
     * client maps back to the close code (docs/PROTOCOL.md): 503 for 4010, 400 for 4006,
     * 404 for the rest and for sessions never seen or forgotten.
     */
    void failClosed(Channel channel, SessionEnd end, RequestInfo info) {
        if (end == null) {
            failOn(channel, HttpResponseStatus.NOT_FOUND, "unknown or expired session", info);
            return;
        }
        HttpResponseStatus status = switch (end.code()) {
            case GATEWAY_SHUTDOWN -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case PROTOCOL_ERROR -> HttpResponseStatus.BAD_REQUEST;
            default -> HttpResponseStatus.NOT_FOUND;
        };
        failOn(channel, status, "session closed: " + end.describe(), info);
    }

    // ---- sessions -------------------------------------------------------------------------

    /** A new session for this request's Origin, or {@code null} after answering with the error. */
    Session newSession(ChannelHandlerContext ctx, RequestInfo info) {
        return newSession(ctx, info, (code, reason) -> fail(ctx,
                code == CloseCode.GATEWAY_SHUTDOWN ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.TOO_MANY_REQUESTS,
                reason, info));
    }

    /**
     * A new session for this request, or {@code null} after answering the refusal: a refused
     * Origin with 403, a session limit through {@code overLimit} (4009, or 4010 while draining)
     * so a WebSocket can answer it in a form a browser can read.
     */
    Session newSession(ChannelHandlerContext ctx, RequestInfo info, BiConsumer<CloseCode, String> overLimit) {
        if (!context.decider().isOriginAllowed(info.origin())) {
            fail(ctx, HttpResponseStatus.FORBIDDEN, "Origin " + (info.origin() == null ? "(none)" : info.origin())
                    + " is not allowed by the policy", info);
            return null;
        }
        try {
            return context.registry().create(ctx.channel().eventLoop(), info.origin(), info.clientAddress(),
                    info.clientSubject());
        } catch (SessionRegistry.LimitExceeded e) {
            overLimit.accept(context.registry().isDraining() ? CloseCode.GATEWAY_SHUTDOWN : CloseCode.LIMIT_EXCEEDED,
                    e.getMessage());
            return null;
        }
    }

    /**
     * The session named by {@code s}, if this request may use it; else answers the error and
     * returns {@code null}. A session this node closed recently is answered with its close
     * reason; a well-formed id this node does not hold goes to {@code unknown} with the reason,
     * which answers in the transport's own form (close code 4015).
     */
    Session existingSession(ChannelHandlerContext ctx, QueryStringDecoder query, RequestInfo info,
                            Consumer<String> unknown) {
        String id = param(query, "s");
        Session session = context.registry().find(id);
        if (session == null) {
            SessionEnd end = context.registry().closedSession(id);
            if (!SessionIds.wellFormed(id)) {
                fail(ctx, HttpResponseStatus.NOT_FOUND, "malformed or missing session id", info);
            } else if (end != null) {
                failClosed(ctx.channel(), end, info);
            } else {
                context.metrics().unknownSessions.increment();
                unknown.accept(UnknownSessionAnswer.reason(id, context.registry().nodeId()));
                context.registry().unknownSessionRequested(id); // after the answer: a directory lookup never delays it
            }
            return null;
        }
        if (info.origin() != null && !info.origin().equals(session.origin())) {
            fail(ctx, HttpResponseStatus.FORBIDDEN, "Origin " + info.origin() + " does not match the session's", info);
            return null;
        }
        if (config.bindClientAddress() && !info.clientAddress().equals(session.clientAddress())) {
            fail(ctx, HttpResponseStatus.FORBIDDEN, "the session belongs to another client address", info);
            return null;
        }
        return session;
    }

    private void createSession(ChannelHandlerContext ctx, RequestInfo info) {
        Session session = newSession(ctx, info);
        if (session != null) {
            ByteBuf body = Unpooled.copiedBuffer(context.registry().helloJson(session), StandardCharsets.UTF_8);
            HttpResponses.send(ctx.channel(), HttpResponseStatus.OK, "application/json", body, info.keepAlive(), info.cors());
        }
    }

    static String param(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The client's ack: the {@code ack} parameter, or an EventSource's Last-Event-ID, whichever is higher. */
    static long ack(QueryStringDecoder query, FullHttpRequest req) throws NumberFormatException {
        long ack = parseSeq(param(query, "ack"));
        return Math.max(ack, parseSeq(req.headers().get("Last-Event-ID")));
    }

    private static long parseSeq(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        long value = Long.parseLong(text.trim());
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new NumberFormatException("out of range");
        }
        return value;
    }

    // ---- downstream receivers -------------------------------------------------------------

    private void attach(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query, RequestInfo info,
                        TransportKind kind) {
        if (kind == TransportKind.JSONP_POLLING && !validCallback(ctx, query, info)) {
            return;
        }
        if (kind == TransportKind.JSONP_POLLING && param(query, "s") == null) {
            jsonpHello(ctx, query, info);
            return;
        }
        long ack;
        try {
            ack = ack(query, req);
        } catch (NumberFormatException e) {
            fail(ctx, HttpResponseStatus.BAD_REQUEST, "ack must be a sequence number", info);
            return;
        }
        Channel channel = ctx.channel();
        String callback = param(query, "c");
        Consumer<String> unknown = reason -> UnknownSessionAnswer.downstream(channel, kind, ack, callback, reason, info);
        Session session = existingSession(ctx, query, info, unknown);
        if (session == null) {
            return;
        }
        if (kind == TransportKind.HTMLFILE && session.origin() == null) {
            fail(ctx, HttpResponseStatus.BAD_REQUEST, "htmlfile needs a session created with an Origin (postMessage target)", info);
            return;
        }
        ConnectionWatcher watcher = ConnectionWatcher.of(channel);
        boolean binary = "1".equals(param(query, "binary")); // honoured by the fetch-based transports only
        switch (kind) {
            case XHR_STREAMING, EVENTSOURCE, HTMLFILE -> {
                HttpStreamReceiver stream = kind == TransportKind.XHR_STREAMING ? new XhrStreamingReceiver(channel, session, binary)
                        : kind == TransportKind.EVENTSOURCE ? new EventSourceReceiver(channel, session)
                        : new HtmlFileReceiver(channel, session);
                watcher.watch(session, stream::connectionClosed);
                session.loop().execute(() -> {
                    if (session.isClosed()) {
                        failClosed(channel, session.end(), info);
                        return;
                    }
                    stream.start(info::addCors);
                    session.attach(stream, ack);
                });
            }
            default -> {
                HttpPollReceiver poll = kind == TransportKind.XHR_POLLING
                        ? new XhrPollingReceiver(channel, session, info.keepAlive(), info::addCors, binary)
                        : new JsonpPollingReceiver(channel, session, info.keepAlive(), param(query, "c"));
                watcher.watch(session, poll::connectionClosed);
                session.loop().execute(() -> {
                    if (session.isClosed()) {
                        failClosed(channel, session.end(), info);
                        return;
                    }
                    poll.start();
                    session.attach(poll, ack);
                });
            }
        }
    }

    private boolean validCallback(ChannelHandlerContext ctx, QueryStringDecoder query, RequestInfo info) {
        String callback = param(query, "c");
        if (callback == null || !JsonpPollingReceiver.CALLBACK.matcher(callback).matches()) {
            fail(ctx, HttpResponseStatus.BAD_REQUEST, "callback c must match [A-Za-z0-9_.]{1,32}", info);
            return false;
        }
        return true;
    }

    /** JSONP cannot POST and read the answer, so a session is created by the first poll. */
    private void jsonpHello(ChannelHandlerContext ctx, QueryStringDecoder query, RequestInfo info) {
        Session session = newSession(ctx, info);
        if (session == null) {
            return;
        }
        byte[] hello = context.registry().helloJson(session).getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = FrameCodec.encodeSmall(ctx.alloc(), FrameType.HELLO, 0, 0, hello);
        ByteBuf base64 = Base64Batches.encode(frame);
        String body = "/**/" + param(query, "c") + "(\"" + base64.toString(StandardCharsets.US_ASCII) + "\");";
        base64.release();
        HttpResponses.send(ctx.channel(), HttpResponseStatus.OK, "application/javascript; charset=us-ascii",
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII), info.keepAlive(), null);
    }

    // ---- upstream -------------------------------------------------------------------------

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query, RequestInfo info) {
        Session session = existingSession(ctx, query, info, reason -> UnknownSessionAnswer.post(ctx.channel(), reason, info));
        if (session == null) {
            return;
        }
        List<Frame> frames;
        try {
            frames = FrameCodec.decodeBatch(req.content(), config.maxFramePayload());
        } catch (ProtocolException e) {
            fail(ctx, HttpResponseStatus.BAD_REQUEST, "malformed frames: " + CloseCode.PROTOCOL_ERROR.code() + " "
                    + CloseCode.PROTOCOL_ERROR.label() + ": " + e.getMessage(), info);
            session.loop().execute(() -> session.close(CloseCode.PROTOCOL_ERROR, e.getMessage()));
            return;
        }
        Channel channel = ctx.channel();
        session.loop().execute(() -> {
            if (session.isClosed()) {
                Frame.releaseAll(frames);
                failClosed(channel, session.end(), info);
                return;
            }
            session.receive(frames);
            if (session.isClosed() && session.end().code() != CloseCode.NORMAL) {
                failClosed(channel, session.end(), info); // a protocol error: 400 with the 4006 reason
                return;
            }
            // The answer acknowledges what arrived, so polling clients need no extra round trip for acks.
            ByteBuf ack = FrameCodec.encodeCount(channel.alloc(), FrameType.ACK, 0, 0, session.lastReceived());
            HttpResponses.send(channel, HttpResponseStatus.OK, "application/octet-stream", ack, info.keepAlive(), info.cors());
        });
    }
}
