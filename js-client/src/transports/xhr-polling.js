/**
 * Long polling with fetch: one GET held by the gateway until frames are ready (or its poll
 * timeout, answered with a HEARTBEAT); the next poll goes out as soon as one returns, carrying
 * the new `ack=`. Asks for raw binary answers (`binary=1`); base64 text from an older gateway
 * is still understood.
 * @module
 */

import { Transport, TransportError, timedFetch } from './base.js';
import { decodeBase64 } from '../base64.js';
import { isBinaryBody } from './binary-frames.js';

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
      const res = await timedFetch(this, this.url('xhr-polling', { ...this.downstreamParams(), binary: 1 }), { method: 'GET' },
        this.ctx.pollTimeoutMs);
      if (!res.ok) throw new TransportError(`xhr-polling answered ${res.status}`, res.status);
      const binary = isBinaryBody(res); // raw batch; an older gateway answers base64 text
      let body;
      try {
        body = binary ? new Uint8Array(await res.arrayBuffer()) : (await res.text()).trim();
      } catch (e) {
        throw new TransportError(`xhr-polling body failed: ${/** @type {Error} */ (e).message}`);
      }
      if (this.closed) return;
      if (body.length) this.deliver(typeof body === 'string' ? decodeBase64(body) : body);
    }
  }
}
