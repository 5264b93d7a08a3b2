package io.cometgate.client;

import io.cometgate.config.TransportKind;

/** The transport table: which {@link Link} speaks which transport. */
final class Links {

    private Links() {
    }

    static Link create(TransportKind kind, ClientSession session) {
        return switch (kind) {
            case WEBSOCKET -> new WebSocketLink(session);
            case XHR_STREAMING -> new XhrStreamingLink(session);
            case EVENTSOURCE -> new EventSourceLink(session);
            case HTMLFILE -> new HtmlFileLink(session);
            case XHR_POLLING -> new XhrPollingLink(session);
            case JSONP_POLLING -> new JsonpPollingLink(session);
        };
    }
}
