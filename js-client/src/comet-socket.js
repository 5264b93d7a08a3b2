/**
 * CometSocket: a WebSocket-compatible object over a virtual TCP socket, for libraries that take
 * "a WebSocket-like object" (STOMP and VNC clients). TCP has no message boundaries, so each
 * `message` event carries whatever bytes arrived together; such libraries already cope with that.
 * @module
 */

import { TCPSocket, toBytes } from './tcp-socket.js';
import { SocketCloseEvent, SocketDataEvent, SocketErrorEvent, defineEventHandlers } from './events.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * @typedef {import('./tcp-socket.js').TCPSocketOptions & {
 *   text?: boolean,
 *   binaryType?: 'arraybuffer'|'blob',
 * }} CometSocketOptions
 * `text: true` decodes received bytes as UTF-8 and delivers strings; otherwise `message` data is
 * an ArrayBuffer (or a Blob with `binaryType = 'blob'`).
 */

/**
 * @param {string} target
 * @returns {string}
 */
function parseTarget(target) {
  if (typeof target !== 'string' || target === '') throw new SyntaxError('CometSocket: target must be "alias", "host:port" or "cometgate://host:port"');
  const m = /^cometgate:\/\/([^/?#]+)\/?$/.exec(target);
  return m ? decodeURIComponent(m[1]) : target;
}

export class CometSocket extends EventTarget {
  static CONNECTING = CONNECTING;
  static OPEN = OPEN;
  static CLOSING = CLOSING;
  static CLOSED = CLOSED;

  /**
   * @param {string} target a policy alias, `host:port`, or `cometgate://host:port`
   * @param {CometSocketOptions|string|string[]} [options] (a string or array here is a WebSocket
   *   `protocols` argument, accepted and ignored so WebSocket factories work unchanged; the
   *   options then come third)
   * @param {CometSocketOptions} [moreOptions]
   */
  constructor(target, options = {}, moreOptions = {}) {
    super();
    const opts = typeof options === 'string' || Array.isArray(options) ? moreOptions : options;
    const to = parseTarget(target);
    this.url = `cometgate://${to}`;
    this.protocol = '';
    this.extensions = '';
    this.readyState = CONNECTING;
    this._binaryType = opts.binaryType ?? 'arraybuffer';
    this._text = opts.text === true;
    this._decoder = new TextDecoder();
    /** @type {Promise<void>} keeps Blob sends in order */
    this._sendChain = Promise.resolve();
    this._pendingBlobs = 0;
    this._socket = new TCPSocket(to, undefined, { ...opts, binaryType: 'uint8array' });
    const s = this._socket;
    s.addEventListener('open', () => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.dispatchEvent(new Event('open'));
    });
    s.addEventListener('data', (e) => this._onData(/** @type {SocketDataEvent} */ (e).data));
    // Still an Event as a WebSocket's is, but one that says what went wrong.
    s.addEventListener('error', (e) => this.dispatchEvent(new SocketErrorEvent('error', { error: /** @type {SocketErrorEvent} */ (e).error })));
    s.addEventListener('close', (e) => {
      const c = /** @type {SocketCloseEvent} */ (e);
      if (this._text) {
        const tail = this._decoder.decode();
        if (tail) this.dispatchEvent(new SocketDataEvent('message', { data: tail }));
      }
      this.readyState = CLOSED;
      const code = this._closeCode ?? c.code;
      const reason = this._closeCode !== undefined ? this._closeReason : c.reason;
      this.dispatchEvent(new SocketCloseEvent('close', { code, reason, wasClean: c.wasClean }));
    });
  }

  get CONNECTING() { return CONNECTING; }
  get OPEN() { return OPEN; }
  get CLOSING() { return CLOSING; }
  get CLOSED() { return CLOSED; }

  /** @returns {'arraybuffer'|'blob'} */
  get binaryType() {
    return this._binaryType;
  }

  set binaryType(value) {
    if (value !== 'arraybuffer' && value !== 'blob') return; // as WebSocket: invalid values are ignored
    this._binaryType = value;
  }

  /** @returns {number} */
  get bufferedAmount() {
    return this._socket.bufferedAmount;
  }

  /** The underlying {@link TCPSocket}. */
  get socket() {
    return this._socket;
  }

  /**
   * @param {string|ArrayBuffer|ArrayBufferView|Blob} data
   */
  send(data) {
    if (this.readyState === CONNECTING) throw new DOMException('CometSocket is still connecting', 'InvalidStateError');
    if (this.readyState !== OPEN) return; // as WebSocket: data sent after close() is discarded
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
      this._pendingBlobs++;
      this._sendChain = this._sendChain
        .then(() => data.arrayBuffer())
        .then((buf) => { if (this.readyState === OPEN) this._socket.send(buf); })
        .finally(() => { this._pendingBlobs--; });
      return;
    }
    if (this._pendingBlobs > 0) {
      const bytes = toBytes(/** @type {any} */ (data)); // sent later: the caller may change its buffer meanwhile
      this._sendChain = this._sendChain.then(() => { if (this.readyState === OPEN) this._socket.send(bytes); });
    } else {
      this._socket.send(/** @type {any} */ (data));
    }
  }

  /**
   * @param {number} [code] 1000 or 3000-4999, as for WebSocket
   * @param {string} [reason] at most 123 UTF-8 bytes
   */
  close(code, reason) {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999 || !Number.isInteger(code))) {
      throw new DOMException(`close code ${code}: must be 1000 or 3000-4999`, 'InvalidAccessError');
    }
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) {
      throw new DOMException('close reason longer than 123 bytes', 'SyntaxError');
    }
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this._closeCode = code ?? 1000;
    this._closeReason = reason ?? '';
    this._socket.close();
  }

  /** @param {Uint8Array} bytes */
  _onData(bytes) {
    let data;
    if (this._text) {
      data = this._decoder.decode(bytes, { stream: true });
      if (data === '') return; // only part of a multi-byte character so far
    } else if (this._binaryType === 'blob') {
      data = new Blob([bytes]);
    } else {
      data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    this.dispatchEvent(new SocketDataEvent('message', { data }));
  }
}

defineEventHandlers(CometSocket, ['open', 'message', 'error', 'close']);
