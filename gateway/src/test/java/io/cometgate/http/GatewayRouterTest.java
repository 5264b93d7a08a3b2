package io.cometgate.http;

import io.cometgate.config.GatewayConfig;
import io.cometgate.metrics.GatewayMetrics;
import io.cometgate.session.SessionContext;
import io.cometgate.session.SessionRegistry;
import io.cometgate.testing.TestDecider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every request passes before an endpoint sees it, driven with raw HTTP bytes through
 * the real codec, aggregator and router on an EmbeddedChannel.
 */
class GatewayRouterTest {

    private static final String HOST = "gw.test:8080";
    private static final int MAX_MESSAGE = 1024;

    private final TestDecider decider = new TestDecider().allowHost(HOST);
    private final List<String> endpointCalls = new ArrayList<>();
    private final EmbeddedChannel ch;

    GatewayRouterTest() {
        GatewayConfig config = GatewayConfig.defaults();
        GatewayMetrics metrics = new GatewayMetrics();
        SessionRegistry registry = new SessionRegistry(new SessionContext(config, decider, metrics,
                (owner, id, target) -> {
                    throw new AssertionError("no channel is opened here");
                }));
        GatewayContext context = new GatewayContext(config, decider, metrics, registry);
        ProtocolHandler endpoints = (ctx, req, endpoint, info) -> {
            endpointCalls.add(endpoint);
            HttpResponses.text(ctx.channel(), io.netty.handler.codec.http.HttpResponseStatus.OK, "endpoint", info.keepAlive(), null);
        };
        ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
            }
        };
        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(MAX_MESSAGE),
                new GatewayRouter(context, endpoints, new StaticContent(), null, ClientAddressResolver.PEER_ONLY,
                        new OpsEndpoints(registry::isDraining, new io.cometgate.metrics.Scraper(metrics)), null));
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    /** Sends a raw request; returns the response's status line and headers and body, as text. */
    private String exchange(String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    private static String status(String response) {
        return response.isEmpty() ? "(none)" : response.substring(0, response.indexOf("\r\n"));
    }

    @Test
    void aHostTheGatewayDoesNotServeIsRefusedWith403() {
        String response = exchange("GET /cometgate/session HTTP/1.1\r\nHost: evil.test\r\n\r\n");
        assertEquals("HTTP/1.1 403 Forbidden", status(response));
        assertTrue(endpointCalls.isEmpty());
    }

    @Test
    void aRequestWithoutHostIsRefusedWith403() {
        assertEquals("HTTP/1.1 403 Forbidden", status(exchange("GET /cometgate/session HTTP/1.1\r\n\r\n")));
    }

    @Test
    void aPathUnderThePrefixGoesToTheProtocolEndpoints() {
        String response = exchange("POST /cometgate/session HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", status(response));
        assertEquals(List.of("session"), endpointCalls);
    }

    @Test
    void aPreflightFromAnAllowedOriginGetsTheCorsHeadersWith204() {
        String response = exchange("OPTIONS /cometgate/send HTTP/1.1\r\nHost: " + HOST + "\r\nOrigin: " + TestDecider.ORIGIN
                + "\r\nAccess-Control-Request-Method: POST\r\n\r\n");
        assertEquals("HTTP/1.1 204 No Content", status(response));
        String lower = response.toLowerCase();
        assertTrue(lower.contains("access-control-allow-origin: " + TestDecider.ORIGIN), response);
        assertTrue(lower.contains("access-control-allow-methods: get, post"), response);
        assertTrue(endpointCalls.isEmpty(), "a preflight never reaches an endpoint");
    }

    @Test
    void aPreflightFromAnOriginThePolicyRefusesGets403() {
        String response = exchange("OPTIONS /cometgate/send HTTP/1.1\r\nHost: " + HOST + "\r\nOrigin: https://evil.test\r\n\r\n");
        assertEquals("HTTP/1.1 403 Forbidden", status(response));
        assertFalse(response.toLowerCase().contains("access-control-allow-origin"), response);
    }

    @Test
    void anUnknownPathIs404() {
        assertEquals("HTTP/1.1 404 Not Found", status(exchange("GET /nothing-here HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")));
    }

    @Test
    void postingToAStaticPageIs405() {
        String response = exchange("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.1 405 Method Not Allowed", status(response));
    }

    @Test
    void aBodyOverTheMessageLimitIs413() {
        String response = exchange("POST /cometgate/send HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: "
                + (MAX_MESSAGE + 1) + "\r\n\r\n");
        assertEquals("HTTP/1.1 413 Request Entity Too Large", status(response));
        assertTrue(endpointCalls.isEmpty());
    }

    @Test
    void healthIsAnsweredWhateverTheHost() {
        assertEquals("HTTP/1.1 200 OK", status(exchange("GET /healthz HTTP/1.1\r\nHost: anything.test\r\n\r\n")));
    }
}
