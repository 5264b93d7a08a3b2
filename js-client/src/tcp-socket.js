/**
 * TCPSocket: a virtual TCP socket through the gateway, in both shapes pages know: the Direct
 * Sockets shape (`opened` gives WHATWG streams, `closed`, `close()`) and Mozilla's event shape
 * (`open`/`data`/`drain`/`error`/`close`, `send()`, `bufferedAmount`, `readyState`).
 *
 * Received bytes wait here until the application takes them (a stream read, or a `data` event
 * when a data listener is present and the socket is not suspended); only then is credit granted
 * back, so a page that stops reading stops the backend.
 * @module
 */

import { Session } from './session.js';
import { CometGateError, CloseCode, isCleanClose } from './codes.js';
import { SocketCloseEvent, SocketErrorEvent, SocketDataEvent, defineEventHandlers } from './events.js';

const encoder = new TextEncoder();

/**
 * @typedef {object} TCPSocketOptions
 * @property {string} [gateway] gateway base URL (default: this script's origin + `/cometgate`)
 * @property {string|string[]} [transports] force one transport, or an ordered list
 * @property {'arraybuffer'|'uint8array'|'string'} [binaryType] type of `data` event payloads (default `arraybuffer`)
 * @property {number} [highWaterMark] `send()` returns false above this many buffered bytes (default 65536)
 * @property {string} [token] signed token for the policy
 * @property {Session} [session] use this session instead of the shared one for `gateway`
 * @property {number} [connectTimeoutMs]
 * @property {number} [requestTimeoutMs]
 */

/**
 * @param {string} host
 * @param {number} port
 * @returns {string}
 */
function formatTarget(host, port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port ${port}: must be an integer 1-65535 (or omit it to use a policy alias)`);
  }
  const h = String(host);
  return h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`;
}

/**
 * @param {string|ArrayBuffer|ArrayBufferView} data
 * @returns {Uint8Array} the bytes as a view of `data` (not a copy), strings UTF-8 encoded
 */
export function asBytes(data) {
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('send(): data must be a string, an ArrayBuffer or an ArrayBufferView');
}

/**
 * @param {string|ArrayBuffer|ArrayBufferView} data
 * @returns {Uint8Array} a copy the caller may not change any more
 */
export function toBytes(data) {
  const bytes = asBytes(data);
  return typeof data === 'string' ? bytes : bytes.slice();
}

export class TCPSocket extends EventTarget {
  /**
   * @param {string} host host name, IP literal, or a policy alias when `port` is omitted
   * @param {number} [port]
   * @param {TCPSocketOptions} [options]
   */
  constructor(host, port, options = {}) {
    super();
    if (typeof host !== 'string' || host === '') throw new TypeError('TCPSocket: host (or alias) must be a non-empty string');
    this.target = port === undefined || port === null ? host : formatTarget(host, port);
    this.host = host;
    this.port = port ?? null;
    /** @type {'connecting'|'open'|'closing'|'closed'} */
    this.readyState = 'connecting';
    /** @type {'arraybuffer'|'uint8array'|'string'} */
    this.binaryType = options.binaryType ?? 'arraybuffer';
    this.highWaterMark = options.highWaterMark ?? 65536;
    this.remoteAddress = null;
    this.remotePort = null;
    /** @type {Uint8Array[]} */
    this._queue = [];
    /** @type {{code: number, reason: string}|null} */
    this._ending = null;
    this._needDrain = false;
    this._suspended = false;
    this._pumping = false;
    /** @type {Array<{resolve: () => void, reject: (e: any) => void}>} */
    this._drainWaiters = [];
    /** @type {(() => void)|null} */
    this._wake = null;
    this._decoder = new TextDecoder();

    this.opened = new Promise((resolve, reject) => { this._resolveOpened = resolve; this._rejectOpened = reject; });
    this.closed = new Promise((resolve, reject) => { this._resolveClosed = resolve; this._rejectClosed = reject; });
    // Nobody may be listening to these: keep unobserved rejections from being reported as bugs.
    this.opened.catch(() => {});
    this.closed.catch(() => {});

    this.readable = new ReadableStream({
      start: (controller) => { this._readController = controller; },
      pull: (controller) => this._pull(controller),
      cancel: () => { this._queue = []; this.close(); },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream({
      write: (chunk) => this._write(chunk),
      close: () => { this.close(); return this.closed.then(() => undefined, () => undefined); },
      abort: () => { this.close(); },
    }, { highWaterMark: 1 });

    this.session = options.session ?? Session.for(options.gateway, options);
    // The channel reports through a listener of its own, never through methods on this public
    // object: a page assigning `socket.onData = fn` must not unplug the socket.
    /** @type {import('./channel.js').ChannelListener} */
    const listener = {
      onOpened: (info) => this.#opened(info),
      onData: (bytes) => this.#received(bytes),
      onBuffered: (buffered) => this.#buffered(buffered),
      onClosed: (code, reason) => this.#ended(code, reason),
    };
    this._channel = this.session.openChannel(this.target, listener, { token: options.token });
  }

  /** @returns {number} bytes passed to send() that are not on their way yet */
  get bufferedAmount() {
    return this._channel.bufferedAmount;
  }

  /**
   * Sends bytes (strings are UTF-8 encoded). Allowed while connecting.
   * @param {string|ArrayBuffer|ArrayBufferView} data
   * @returns {boolean} false once more than `highWaterMark` bytes are buffered: wait for `drain`
   */
  send(data) {
    if (this.readyState !== 'open' && this.readyState !== 'connecting') {
      throw new DOMException(`TCPSocket is ${this.readyState}`, 'InvalidStateError');
    }
    if (this._ending) throw new DOMException('TCPSocket was closed by the gateway', 'InvalidStateError');
    // The channel frames (copies) what credit allows at once and copies only the rest: the
    // caller's buffer is never kept, and bulk writes are copied once instead of twice.
    this._channel.write(asBytes(data), typeof data === 'string');
    if (this.bufferedAmount > this.highWaterMark) {
      this._needDrain = true;
      return false;
    }
    return true;
  }

  /** Closes after everything sent so far has gone out. */
  close() {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    this.readyState = 'closing';
    this._localClose = true;
    this._queue = [];
    this._channel.close();
  }

  /** Stops `data` events (and so, soon, the backend). */
  suspend() {
    this._suspended = true;
  }

  /** Resumes `data` events after {@link suspend}. */
  resume() {
    this._suspended = false;
    this._kick();
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject|null} listener
   * @param {boolean|AddEventListenerOptions} [options]
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type === 'data') this._startPump();
  }

  // --- what the channel reports ---

  /** @param {{remoteAddress: string, remotePort: number}} info */
  #opened(info) {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.remoteAddress = info.remoteAddress;
    this.remotePort = info.remotePort;
    this._resolveOpened({ readable: this.readable, writable: this.writable, remoteAddress: info.remoteAddress, remotePort: info.remotePort });
    this.dispatchEvent(new Event('open'));
  }

  /** @param {Uint8Array} bytes */
  #received(bytes) {
    if (this._localClose) return;
    this._queue.push(bytes);
    this._kick();
  }

  /** @param {number} buffered */
  #buffered(buffered) {
    if (buffered > this.highWaterMark) return;
    const waiters = this._drainWaiters;
    this._drainWaiters = [];
    for (const w of waiters) w.resolve();
    if (this._needDrain) {
      this._needDrain = false;
      this.dispatchEvent(new Event('drain'));
    }
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  #ended(code, reason) {
    this._ending = { code, reason };
    if (this._localClose) this._queue = [];
    if (this._queue.length === 0) this.#endStream();
    else this._kick();
  }

  // --- internals ---
  //
  // The end comes in two steps, so that no byte is reported after `close`: the readable stream
  // ends once the last received chunk went into it (#endStream), and the socket completes
  // (#complete: `closed`, `error`, `close`) only after that chunk reached the application: the
  // data pump completes it after dispatching the last `data` event, and a page reading the
  // stream itself gets its last chunk's read settled first (completion waits a macrotask).

  _kick() {
    const wake = this._wake;
    this._wake = null;
    if (wake) wake();
  }

  /** @param {ReadableStreamDefaultController<Uint8Array>} controller */
  async _pull(controller) {
    for (;;) {
      if (this._queue.length > 0) {
        const chunk = /** @type {Uint8Array} */ (this._queue.shift());
        controller.enqueue(chunk);
        this._channel.consumed(chunk.length);
        if (this._queue.length === 0 && this._ending) this.#endStream();
        return;
      }
      if (this._streamEnded) return;
      if (this._ending) {
        this.#endStream();
        return;
      }
      await new Promise((resolve) => { this._wake = () => resolve(undefined); });
    }
  }

  /** The channel ended and every received byte is in the readable stream (or was dropped). */
  #endStream() {
    if (this._streamEnded) return;
    this._streamEnded = true;
    const { code, reason } = /** @type {{code: number, reason: string}} */ (this._ending);
    const clean = isCleanClose(code) && (this.readyState !== 'connecting' || this._localClose);
    this._clean = clean;
    this._failure = clean ? null : new CometGateError(code === CloseCode.NORMAL ? CloseCode.ABNORMAL : code, reason);
    try {
      if (this._failure) this._readController.error(this._failure);
      else this._readController.close();
    } catch { /* cancelled by the application */ }
    this._kick();
    if (!this._pumping) setTimeout(() => this.#complete(), 0);
  }

  _startPump() {
    if (this._pumping || this.readable.locked) return;
    this._pumping = true;
    const reader = this.readable.getReader();
    const loop = async () => {
      for (;;) {
        while (this._suspended && !this._streamEnded) await new Promise((resolve) => { this._wake = () => resolve(undefined); });
        let step;
        try {
          step = await reader.read();
        } catch {
          step = { done: true };
        }
        if (step.done) {
          this.#complete();
          return;
        }
        this.dispatchEvent(new SocketDataEvent('data', { data: this._convert(/** @type {Uint8Array} */ (step.value)) }));
      }
    };
    loop();
  }

  /**
   * @param {Uint8Array} bytes
   * @returns {ArrayBuffer|Uint8Array|string}
   */
  _convert(bytes) {
    if (this.binaryType === 'uint8array') return bytes;
    if (this.binaryType === 'string') return this._decoder.decode(bytes, { stream: true });
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  /** @param {any} chunk */
  _write(chunk) {
    if (this._failure) return Promise.reject(this._failure);
    this.send(chunk);
    if (this.bufferedAmount <= this.highWaterMark) return undefined;
    return new Promise((resolve, reject) => this._drainWaiters.push({ resolve, reject }));
  }

  /** Every received byte reached the application (or the application closed the socket). */
  #complete() {
    if (this._done) return;
    this._done = true;
    const { code, reason } = /** @type {{code: number, reason: string}} */ (this._ending);
    const error = this._failure;
    this.readyState = 'closed';
    if (error) {
      this._rejectOpened(error);
      this._rejectClosed(error);
      for (const w of this._drainWaiters) w.reject(error);
    } else {
      this._rejectOpened(new CometGateError(code, 'the socket closed before it opened'));
      this._resolveClosed(undefined);
      for (const w of this._drainWaiters) w.resolve();
    }
    this._drainWaiters = [];
    if (error) this.dispatchEvent(new SocketErrorEvent('error', { error }));
    this.dispatchEvent(new SocketCloseEvent('close', { code, reason, wasClean: this._clean }));
  }
}

defineEventHandlers(TCPSocket, ['open', 'data', 'drain', 'error', 'close'], (socket, type) => {
  if (type === 'data') socket._startPump();
});
