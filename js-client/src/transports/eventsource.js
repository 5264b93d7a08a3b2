/**
 * Server-Sent Events: each event's data is one base64 batch and its id the last sequence number
 * in it. When the stream ends (stream budget) or fails, this transport closes the EventSource
 * and the session opens a new one at once with `ack=` in the URL, instead of waiting for the
 * browser's own retry delay (3 s in Chromium); the browser's `Last-Event-ID` only matters if
 * it retries by itself first, and the gateway counts either as the ack.
 * @module
 */

import { Transport } from './base.js';
import { decodeBase64 } from '../base64.js';

export class EventSourceTransport extends Transport {
  static transportName = 'eventsource';

  static isAvailable() {
    return typeof globalThis.EventSource === 'function';
  }

  start() {
    const es = new EventSource(this.url('eventsource', this.downstreamParams()));
    this.es = es;
    es.onmessage = (e) => {
      try {
        this.deliver(decodeBase64(e.data));
      } catch (err) {
        this.down({ reason: `eventsource: ${/** @type {Error} */ (err).message}` });
      }
    };
    // EventSource hides the HTTP status; a stream that ends and one that was refused look alike.
    es.onerror = () => this.down({ reason: 'eventsource stream ended or failed', clean: this.opened === true });
    es.onopen = () => { this.opened = true; };
  }

  stop() {
    super.stop();
    if (!this.es) return;
    this.es.onmessage = this.es.onerror = this.es.onopen = null;
    this.es.close();
  }
}
