/**
 * JSONP long polling: a `<script>` per poll whose body calls our callback with a base64 batch.
 * For old setups; the gateway has it off by default. The session is created with
 * `POST /session` (which carries the page's Origin), not by a poll without `s`: a script request
 * carries no Origin, and the upstream POSTs, which do, must match the session's Origin.
 * @module
 */

import { Transport, postBatch } from './base.js';
import { decodeBase64 } from '../base64.js';

const REGISTRY = '__cometgate_jsonp';
let counter = 0;

export class JsonpPollingTransport extends Transport {
  static transportName = 'jsonp-polling';
  static attachesOnStart = true;

  static isAvailable() {
    return typeof globalThis.document !== 'undefined' && typeof globalThis.document.createElement === 'function';
  }

  start() {
    /** @type {Record<string, (text: string) => void>} */
    const registry = (/** @type {any} */ (globalThis)[REGISTRY] ??= {});
    // The name must match the gateway's ^[A-Za-z0-9_.]{1,32}$; "__cometgate_jsonp.c123" does.
    this.key = `c${++counter}`;
    this.callback = `${REGISTRY}.${this.key}`;
    registry[this.key] = (text) => this.onPayload(text);
    this.poll();
  }

  poll() {
    if (this.closed) return;
    const script = document.createElement('script');
    this.script = script;
    this.answered = false;
    script.async = true;
    script.src = this.url('jsonp-polling', { ...this.downstreamParams(), c: this.callback });
    script.onerror = () => this.down({ reason: 'jsonp-polling script failed to load' });
    script.onload = () => {
      if (!this.answered) this.down({ reason: 'jsonp-polling script did not call back' });
      else this.next();
    };
    this.timer = setTimeout(() => this.down({ reason: 'jsonp-polling timed out' }), this.ctx.pollTimeoutMs);
    document.head.appendChild(script);
  }

  /** @param {string} text */
  onPayload(text) {
    if (this.closed) return;
    this.answered = true;
    clearTimeout(this.timer);
    try {
      if (typeof text !== 'string') throw new Error('jsonp-polling callback got a non-string');
      const trimmed = text.trim();
      if (trimmed) this.deliver(decodeBase64(trimmed));
    } catch (e) {
      this.down({ reason: /** @type {Error} */ (e).message });
    }
  }

  next() {
    this.removeScript();
    this.poll();
  }

  /** @param {Uint8Array} batch */
  send(batch) {
    return postBatch(this, batch);
  }

  removeScript() {
    if (this.script) {
      this.script.onload = this.script.onerror = null;
      this.script.remove();
      this.script = undefined;
    }
  }

  stop() {
    super.stop();
    clearTimeout(this.timer);
    this.removeScript();
    const registry = (/** @type {any} */ (globalThis))[REGISTRY];
    // A late script may still call back: leave a no-op so it does not throw in the page.
    if (registry && this.key) registry[this.key] = () => {};
  }
}
