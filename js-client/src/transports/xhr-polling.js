/**
 * Long polling with fetch: one GET held by the gateway until frames are ready (or its poll
 * timeout, answered with a HEARTBEAT); the next poll goes out as soon as one returns, carrying
 * the new `ack=`.
 * @module
 */

import { Transport, TransportError, timedFetch } from './base.js';
import { decodeBase64 } from '../base64.js';

export class XhrPollingTransport extends Transport {
  static transportName = 'xhr-polling';
  static attachesOnStart = true;

  static isAvailable() {
    return typeof globalThis.fetch === 'function';
  }

  start() {
    this.loop().catch((e) => this.down({ reason: e.message, status: e.status }));
  }

  async loop() {
    while (!this.closed) {
      const res = await timedFetch(this, this.url('xhr-polling', this.downstreamParams()), { method: 'GET' }, this.ctx.pollTimeoutMs);
      if (!res.ok) throw new TransportError(`xhr-polling answered ${res.status}`, res.status);
      let text;
      try {
        text = await res.text();
      } catch (e) {
        throw new TransportError(`xhr-polling body failed: ${/** @type {Error} */ (e).message}`);
      }
      if (this.closed) return;
      const trimmed = text.trim();
      if (trimmed) this.deliver(decodeBase64(trimmed));
    }
  }
}
