/**
 * WebSocket: binary messages both ways, each a batch. The only transport that needs no POSTs.
 * Node 20 has no global WebSocket (Node 22 does), so there it reports itself unavailable and the
 * fallback picks the next transport.
 * @module
 */

import { Transport } from './base.js';

/**
 * The largest downstream message this client reads (`maxBatch`, docs/PROTOCOL.md): a browser
 * takes a WebSocket message of any size, so as large as the gateway likes (it caps batches at
 * its `--max-window`, 1 MiB by default). Without it the gateway keeps to 128 KiB per message,
 * which in bulk costs it about six times the socket writes per MB.
 */
export const MAX_BATCH = 16 * 1024 * 1024;

export class WebSocketTransport extends Transport {
  static transportName = 'websocket';
  static createsSession = true;

  static isAvailable() {
    return typeof globalThis.WebSocket === 'function';
  }

  /** @param {import('./base.js').TransportContext} ctx */
  constructor(ctx) {
    super(ctx);
    // The gateway takes a WebSocket message up to HELLO's maxMessage (128 KiB by default), which
    // is the only limit: one 64 KiB write of the page then travels as one message with its
    // header and any ACK or CREDIT, instead of four 16 KiB frames in one message and the few
    // bytes left over in a second one (twice the messages for a page writing 64 KiB at a time).
    this.maxBatch = Infinity;
    this.dataChunk = 65536;
    /** @type {WebSocket | null} */
    this.ws = null;
  }

  start() {
    const url = new URL(this.url('ws', { ...this.downstreamParams(), maxBatch: MAX_BATCH }));
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url.href);
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        this.down({ reason: 'gateway sent a text WebSocket message; the protocol uses binary only' });
        return;
      }
      this.deliver(new Uint8Array(/** @type {ArrayBuffer} */ (e.data)));
    };
    ws.onclose = (e) => this.down({ reason: `WebSocket closed ${e.code} ${e.reason}`.trim(), wsCode: e.code });
    ws.onerror = () => { /* onclose follows and carries the code */ };
  }

  /** @param {Uint8Array} batch */
  send(batch) {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return Promise.reject(new Error('WebSocket is not open'));
    ws.send(batch);
    return Promise.resolve();
  }

  stop() {
    super.stop();
    const ws = this.ws;
    if (!ws) return;
    ws.onmessage = ws.onclose = ws.onerror = null;
    try { ws.close(1000); } catch { /* already closing */ }
  }
}
