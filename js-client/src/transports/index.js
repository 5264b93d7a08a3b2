/**
 * The transport list: every transport by name, in the default order of preference (fastest and
 * most capable first; JSONP last because the gateway has it off by default).
 * @module
 */

import { WebSocketTransport } from './websocket.js';
import { XhrStreamingTransport } from './xhr-streaming.js';
import { EventSourceTransport } from './eventsource.js';
import { XhrPollingTransport } from './xhr-polling.js';
import { HtmlFileTransport } from './htmlfile.js';
import { JsonpPollingTransport } from './jsonp-polling.js';

export { Transport, TransportError } from './base.js';
export {
  WebSocketTransport, XhrStreamingTransport, EventSourceTransport, XhrPollingTransport,
  HtmlFileTransport, JsonpPollingTransport,
};

/** @type {ReadonlyArray<typeof import('./base.js').Transport>} */
export const ALL_TRANSPORTS = Object.freeze([
  WebSocketTransport, XhrStreamingTransport, EventSourceTransport, XhrPollingTransport,
  HtmlFileTransport, JsonpPollingTransport,
]);

/** Names in the default order. */
export const TRANSPORT_NAMES = Object.freeze(ALL_TRANSPORTS.map((t) => t.transportName));
