package io.cometgate.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything {@code cometgate serve} can be told, with the defaults of the security brief.
 * Built by the CLI; immutable.
 *
 * @param listen            plain HTTP/WebSocket listeners
 * @param pathPrefix        URL prefix of the protocol endpoints, e.g. {@code /cometgate}
 * @param transports        enabled transports
 * @param maxMessageBytes   a WebSocket message or a POST body (413 / close 1009 beyond)
 * @param maxFramePayload   one frame's payload
 * @param channelWindow     initial credit per channel, each direction
 * @param retransmitBound   unacknowledged bytes toward the client per session before backends stop being read
 * @param heartbeat         idle streams and WebSockets get a HEARTBEAT this often
 * @param sessionTimeout    a session with no transport attached this long expires
 * @param pollTimeout       how long a long-poll is held
 * @param streamBudget      bytes after which a streaming response ends and the client reconnects (bounds what
 *                          an htmlfile iframe or an old XHR keeps in memory; fetch streams keep nothing)
 * @param requestTimeout    headers (and the WebSocket handshake) must arrive within this
 * @param maxInitialLine    HTTP request line
 * @param maxHeaderBytes    HTTP headers
 * @param bindClientAddress reject a session's requests from a client address other than its creator's
 * @param maxWindow         largest a channel's upstream receive window grows to (docs/PROTOCOL.md, "Growing windows")
 * @param windowBudget      the sum of a session's upstream channel windows grows no further than this
 */
public record GatewayConfig(List<InetSocketAddress> listen, String pathPrefix, Set<TransportKind> transports,
                            int maxMessageBytes, int maxFramePayload, int channelWindow, int retransmitBound,
                            Duration heartbeat, Duration sessionTimeout, Duration pollTimeout, int streamBudget,
                            Duration requestTimeout, int maxInitialLine, int maxHeaderBytes,
                            boolean bindClientAddress, int maxWindow, int windowBudget) {

    public static final int DEFAULT_PORT = 8080;

    public static GatewayConfig defaults() {
        return new GatewayConfig(List.of(new InetSocketAddress("127.0.0.1", DEFAULT_PORT)), "/cometgate",
                TransportKind.DEFAULT_ENABLED, 128 * 1024, 64 * 1024, 128 * 1024, 256 * 1024,
                Duration.ofSeconds(25), Duration.ofSeconds(30), Duration.ofSeconds(25), 1024 * 1024,
                Duration.ofSeconds(10), 4096, 8192, true, 1024 * 1024, 2 * 1024 * 1024);
    }

    public GatewayConfig withListen(List<InetSocketAddress> addresses) {
        return new GatewayConfig(addresses, pathPrefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }

    public GatewayConfig withTransports(Set<TransportKind> enabled) {
        return new GatewayConfig(listen, pathPrefix, enabled, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }

    public GatewayConfig withTimeouts(Duration heartbeat, Duration sessionTimeout, Duration pollTimeout) {
        return new GatewayConfig(listen, pathPrefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }

    public GatewayConfig withSizes(int maxMessageBytes, int channelWindow, int retransmitBound, int streamBudget) {
        return new GatewayConfig(listen, pathPrefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }

    public GatewayConfig withBindClientAddress(boolean bind) {
        return new GatewayConfig(listen, pathPrefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bind, maxWindow, windowBudget);
    }

    public GatewayConfig withPathPrefix(String prefix) {
        return new GatewayConfig(listen, prefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }

    public GatewayConfig withWindows(int maxWindow, int windowBudget) {
        return new GatewayConfig(listen, pathPrefix, transports, maxMessageBytes, maxFramePayload, channelWindow,
                retransmitBound, heartbeat, sessionTimeout, pollTimeout, streamBudget, requestTimeout, maxInitialLine,
                maxHeaderBytes, bindClientAddress, maxWindow, windowBudget);
    }
}
