/**
 * JSONP long polling: a `<script>` per poll whose body calls our callback with a base64 batch.
 * For old setups; the gateway has it off by default. The session is created with
 * `POST /session` (which carries the page's Origin), not by a poll without `s`: a script request
 * carries no Origin, and the upstream POSTs, which do, must match the session's Origin.
 *
 * The first poll waits for the first POST answer. A page cannot cancel a script's request
 * (removing the element does not abort it), so every poll started on a dead network holds one
 * of the browser's six connections to the gateway until that network answers; a few reconnect
 * attempts during a partition used them all, and after healing the page's POSTs queued behind
 * them, stalling the session again for an answer deadline per held connection (4.5-4.8 s in the
 * browser partition test). A POST, which can be aborted, proves the network first.
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
    /** polls start after the first POST answer */
    this.polling = false;
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
  async send(batch) {
    const answer = await postBatch(this, batch);
    if (!this.polling && !this.closed) {
      this.polling = true;
      this.poll();
    }
    return answer;
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
