/**
 * htmlfile ("forever frame"): a hidden iframe whose document keeps loading `<script>` chunks that
 * `postMessage` base64 batches to this page. Only messages whose origin is the gateway's and
 * whose source is our own iframe are accepted; anything else on the page's message bus is ignored.
 * @module
 */

import { Transport } from './base.js';
import { decodeBase64 } from '../base64.js';

export class HtmlFileTransport extends Transport {
  static transportName = 'htmlfile';
  /**
   * Chromium fires no load event when a forever-frame's connection is reset (the document
   * stays "loading"), so only silence reveals a dead frame: declare it dead well before the
   * gateway's session timeout. An idle frame is recycled this often; that costs one request.
   */
  static deadAfterMs = 10000;
  /**
   * For the same reason, frames sent and no ACK heard back (the gateway acks within 20 ms)
   * reveal a dead frame sooner than the default 5 s allows: the other transports learn of a
   * reset at once, and this one should not lag far behind.
   */
  static ackTimeoutMs = 2000;

  static isAvailable() {
    return typeof globalThis.document !== 'undefined' && typeof globalThis.addEventListener === 'function'
      && typeof globalThis.document.createElement === 'function';
  }

  start() {
    const origin = new URL(this.ctx.gateway).origin;
    const iframe = document.createElement('iframe');
    this.iframe = iframe;
    iframe.style.display = 'none';
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    /** @param {MessageEvent} e */
    this.onMessage = (e) => {
      if (e.origin !== origin || !this.iframe || e.source !== this.iframe.contentWindow) return;
      const data = e.data;
      if (!data || typeof data.cometgate !== 'string') return;
      try {
        this.deliver(decodeBase64(data.cometgate));
      } catch (err) {
        this.down({ reason: `htmlfile: ${/** @type {Error} */ (err).message}` });
      }
    };
    globalThis.addEventListener('message', this.onMessage);
    // The document finished loading: the stream budget is used up, or the request failed. With
    // a same-origin gateway the iframe's navigation timing tells which (404: session gone).
    iframe.onload = () => {
      const status = navigationStatus(iframe);
      if (status && status !== 200) this.down({ reason: `htmlfile answered ${status}`, status });
      else this.down({ reason: 'htmlfile stream ended', clean: true });
    };
    iframe.src = this.url('htmlfile', this.downstreamParams());
    document.body.appendChild(iframe);
  }

  stop() {
    super.stop();
    if (this.onMessage) globalThis.removeEventListener('message', this.onMessage);
    if (this.iframe) {
      this.iframe.onload = null;
      this.iframe.src = 'about:blank';
      this.iframe.remove();
      this.iframe = undefined;
    }
  }
}

/**
 * The HTTP status of the iframe's document, when the browser tells (same origin, Navigation
 * Timing `responseStatus`); 0 when unknown.
 * @param {HTMLIFrameElement} iframe
 * @returns {number}
 */
function navigationStatus(iframe) {
  try {
    const entries = /** @type {any} */ (iframe.contentWindow)?.performance?.getEntriesByType?.('navigation');
    return Number(entries?.[0]?.responseStatus) || 0;
  } catch {
    return 0; // cross-origin
  }
}
