/**
 * xhr-streaming, done with fetch and a streamed response body. Asked for with `binary=1`, the
 * body is raw frames back to back; an older gateway answers text instead: a 2 KiB padding line
 * (it makes old proxies and browsers flush), then one base64 batch per line. The response ends
 * after the gateway's stream budget and the session opens the next one at once.
 * @module
 */

import { Transport, TransportError } from './base.js';
import { decodeBase64 } from '../base64.js';
import { FrameCutter, isBinaryBody } from './binary-frames.js';

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
      res = await fetch(this.url('xhr-streaming', { ...this.downstreamParams(), binary: 1 }),
        { cache: 'no-store', signal: abort.signal });
    } catch (e) {
      throw new TransportError(`xhr-streaming request failed: ${/** @type {Error} */ (e).message}`);
    }
    if (!res.ok || !res.body) throw new TransportError(`xhr-streaming answered ${res.status}`, res.status);
    if (isBinaryBody(res)) {
      await this.readBinary(res.body.getReader());
      return;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let sawPadding = false;
    for (;;) {
      const step = await readChunk(reader);
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

  /** @param {ReadableStreamDefaultReader<Uint8Array>} reader */
  async readBinary(reader) {
    const cutter = new FrameCutter();
    for (;;) {
      const step = await readChunk(reader);
      if (this.closed) return;
      if (step.done) break;
      for (const batch of cutter.push(step.value)) {
        this.deliver(batch);
        if (this.closed) return;
      }
    }
    if (cutter.hasPartial()) throw new TransportError('xhr-streaming body ended inside a frame');
    this.down({ reason: 'stream ended', clean: true });
  }
}

/**
 * The next chunk of the response body; a network failure becomes a TransportError, which the
 * session answers by reconnecting.
 * @template T
 * @param {ReadableStreamDefaultReader<T>} reader
 */
async function readChunk(reader) {
  try {
    return await reader.read();
  } catch (e) {
    throw new TransportError(`xhr-streaming body failed: ${/** @type {Error} */ (e).message}`);
  }
}
