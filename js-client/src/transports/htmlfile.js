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
    // The document finished loading: the stream budget is used up (or the request failed).
    iframe.onload = () => this.down({ reason: 'htmlfile stream ended', clean: true });
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
