/**
 * xhr-streaming, done with fetch and a streamed response body: a 2 KiB padding line (it makes
 * old proxies and browsers flush), then one base64 batch per line. The response ends after the
 * gateway's stream budget and the session opens the next one at once.
 * @module
 */

import { Transport, TransportError } from './base.js';
import { decodeBase64 } from '../base64.js';

export class XhrStreamingTransport extends Transport {
  static transportName = 'xhr-streaming';

  static isAvailable() {
    return typeof globalThis.fetch === 'function' && typeof globalThis.ReadableStream === 'function'
      && typeof globalThis.TextDecoderStream === 'function';
  }

  start() {
    this.run().catch((e) => this.down({ reason: e.message, status: e.status }));
  }

  async run() {
    const abort = new AbortController();
    this.aborts ??= new Set();
    this.aborts.add(abort);
    let res;
    try {
      res = await fetch(this.url('xhr-streaming', this.downstreamParams()), { cache: 'no-store', signal: abort.signal });
    } catch (e) {
      throw new TransportError(`xhr-streaming request failed: ${/** @type {Error} */ (e).message}`);
    }
    if (!res.ok || !res.body) throw new TransportError(`xhr-streaming answered ${res.status}`, res.status);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let sawPadding = false;
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (e) {
        throw new TransportError(`xhr-streaming body failed: ${/** @type {Error} */ (e).message}`);
      }
      if (this.closed) return;
      if (step.done) break;
      buffer += step.value;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!sawPadding) { sawPadding = true; continue; }
        const text = line.trim();
        if (text) this.deliver(decodeBase64(text));
        if (this.closed) return;
      }
    }
    this.down({ reason: 'stream ended', clean: true });
  }
}
