/**
 * The page's link to one gateway: one Session per gateway URL, shared by every socket of the
 * page. It multiplexes channels, keeps upstream frames until the gateway acknowledges them,
 * delivers downstream frames strictly in order, and replaces a dropped transport (with backoff
 * and fallback) so that the application sees nothing but a pause.
 * @module
 */

import {
  FrameType, FrameError, decodeBatch, encodeFrame, concatBytes, u32Payload, readU32,
  readClosePayload, readJsonPayload, closePayload, HEADER_SIZE, DEFAULT_MAX_FRAME,
} from './frame.js';
import { RetransmitBuffer, ReceiveWindow } from './reliable.js';
import { Channel } from './channel.js';
import { CloseCode, CometGateError } from './codes.js';
import { backoffDelay } from './backoff.js';
import { ALL_TRANSPORTS } from './transports/index.js';

/**
 * @typedef {object} SessionOptions
 * @property {string|string[]} [transports] one forced transport or an ordered list (default: all available)
 * @property {number} [connectTimeoutMs] per attempt: how long a transport may take to deliver HELLO (default 10000)
 * @property {number} [requestTimeoutMs] one poll or POST (default 40000; polls are held up to 25 s)
 * @property {number} [minDelayMs] reconnect backoff start (default 250)
 * @property {number} [maxDelayMs] reconnect backoff ceiling (default 10000)
 * @property {number} [lingerMs] keep an idle session this long after its last socket closed (default 5000)
 * @property {number} [ackDelayMs] acknowledge within this long (default 200)
 * @property {number} [ackBytes] acknowledge at least every this many bytes (default 32768)
 * @property {boolean} [rememberTransport] remember the last good transport in sessionStorage (default true)
 * @property {ReadonlyArray<typeof import('./transports/base.js').Transport>} [transportClasses]
 *   the transports to choose from (tests inject fakes here)
 */

/** @typedef {{v: number, session: string, ack: number, heartbeatMs: number, timeoutMs: number, maxFrame: number, maxMessage?: number, window: number}} Hello */

/** @type {Map<string, Session>} */
const sessions = new Map();
const STORAGE_PREFIX = 'cometgate.transport:';
/** DATA payload size: four frames with headers fill a 64 KiB WebSocket message exactly. */
const DATA_CHUNK = 16384 - HEADER_SIZE;

/**
 * The default gateway: the origin this module was loaded from, plus `/cometgate`.
 * @returns {string|null}
 */
export function defaultGateway() {
  try {
    const here = new URL(import.meta.url);
    if (here.protocol === 'http:' || here.protocol === 'https:') return `${here.origin}/cometgate`;
  } catch { /* not a URL we can use */ }
  return null;
}

/**
 * @param {string|undefined} gateway
 * @returns {string} absolute base URL without a trailing slash
 */
export function resolveGateway(gateway) {
  const raw = gateway ?? defaultGateway();
  if (!raw) throw new TypeError('no gateway URL: pass options.gateway (e.g. "https://example.com/cometgate")');
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(raw, base);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`gateway URL ${url.href}: must be http(s) or ws(s)`);
  }
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

export class Session extends EventTarget {
  /**
   * The shared session for a gateway URL and transport choice, created on first use. Sockets
   * that force a different transport get a session of their own; the other options are taken
   * from the socket that created the session.
   * @param {string} [gateway]
   * @param {SessionOptions} [options]
   * @returns {Session}
   */
  static for(gateway, options = {}) {
    const url = resolveGateway(gateway);
    const key = sessionKey(url, options);
    let session = sessions.get(key);
    if (!session || session.state === 'closed') {
      session = new Session(url, options);
      session.registryKey = key;
      sessions.set(key, session);
    }
    return session;
  }

  /**
   * @param {string} gateway
   * @param {SessionOptions} [options]
   */
  constructor(gateway, options = {}) {
    super();
    this.gateway = resolveGateway(gateway);
    this.options = options;
    this.candidates = chooseCandidates(options, this.gateway);
    /** @type {'idle'|'connecting'|'open'|'reconnecting'|'closed'} */
    this.state = 'idle';
    /** @type {string|null} */
    this.id = null;
    /** @type {string|undefined} key in the shared registry (see Session.for) */
    this.registryKey = undefined;
    /** @type {Hello|null} */
    this.hello = null;
    /** name of the transport in use (the last one that worked) */
    this.transportName = null;
    /** @type {Map<number, Channel>} */
    this.channels = new Map();
    this.nextChannelId = 1;
    this.out = new RetransmitBuffer();
    this.in = new ReceiveWindow();
    /** @type {import('./transports/base.js').Transport|null} */
    this.transport = null;
    this.attached = false;
    /** the current transport has proven itself (see _confirm) */
    this.confirmed = false;
    this.everAttached = false;
    this.sending = false;
    this.failures = 0;
    this.candidateIndex = 0;
    this.lastAttachedAt = 0;
    this.ackDue = false;
    this.timers = { attempt: undefined, ack: undefined, reconnect: undefined, watchdog: undefined, linger: undefined };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 40000;
  }

  /** @returns {number} DATA payload size for upstream chunks */
  get dataChunkSize() {
    return Math.min(DATA_CHUNK, this.hello?.maxFrame ?? DEFAULT_MAX_FRAME);
  }

  /**
   * Opens a channel (a virtual socket) to `target`, an alias or `host:port`.
   * @param {string} target
   * @param {import('./channel.js').ChannelListener} listener
   * @param {{token?: string}} [options]
   * @returns {Channel}
   */
  openChannel(target, listener, options = {}) {
    if (this.state === 'closed') throw new CometGateError(CloseCode.SESSION_EXPIRED, 'the session is closed');
    clearTimeout(this.timers.linger);
    const id = this.nextChannelId;
    this.nextChannelId += 2;
    const window = this.hello?.window ?? 0;
    const channel = new Channel(this, id, listener, window, window || 65536);
    this.channels.set(id, channel);
    channel.open(target, options.token);
    if (this.state === 'idle') {
      this.state = 'connecting';
      this._connect();
    }
    return channel;
  }

  /**
   * Ends the session: every channel closes with `code`.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = CloseCode.NORMAL, reason = '') {
    if (this.state === 'closed') return;
    if (this.attached && this.transport) {
      this._enqueue(FrameType.SESSION_CLOSE, 0, closePayload(code, reason));
      const t = this.transport;
      // Give the last batch a moment to leave; the gateway would expire the session anyway.
      // (With a POST in flight it cannot go now: a second POST could overtake the first.)
      this._flush();
      setTimeout(() => t.close(), 1000);
      this.transport = null;
    }
    this._fail(code, reason);
  }

  /** Test hook: drops the current transport as if the network had cut it. */
  _debugDropTransport() {
    if (this.transport) this._down(this.transport, { reason: 'dropped by _debugDropTransport()' });
  }

  // --- upstream ---

  /**
   * @param {number} type
   * @param {number} channel
   * @param {Uint8Array} payload
   * @param {() => void} [onAck]
   */
  _enqueue(type, channel, payload, onAck) {
    this.out.push(type, channel, payload, onAck);
    queueMicrotask(() => this._flush());
  }

  _flush() {
    const t = this.transport;
    if (!t || !this.attached || this.sending || this.state === 'closed') return;
    /** @type {Uint8Array[]} */
    const parts = [];
    let budget = Math.min(t.maxBatch, this.hello?.maxMessage ?? Infinity);
    const ackWanted = this.in.needsAck() && (this.ackDue || this.out.hasUnsent());
    if (ackWanted) {
      parts.push(encodeFrame(FrameType.ACK, 0, 0, u32Payload(this.in.takeAck())));
      budget -= HEADER_SIZE + 4;
      this.ackDue = false;
      clearTimeout(this.timers.ack);
      this.timers.ack = undefined;
    }
    parts.push(...this.out.takeUnsent(budget));
    if (parts.length === 0 && this.probe) parts.push(encodeFrame(FrameType.HEARTBEAT, 0, 0));
    this.probe = false;
    if (parts.length === 0) return;
    this.sending = true;
    let sent;
    try {
      sent = t.send(concatBytes(parts));
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then((answer) => {
      if (t !== this.transport) return;
      this.sending = false;
      this._confirm(t);
      if (answer && answer.length > 0) this._onUpstreamAnswer(answer);
      if (t !== this.transport) return;
      this._flush();
    }, (e) => {
      if (t !== this.transport) return;
      this.sending = false;
      this._down(t, { reason: e.message, status: e.status });
    });
  }

  /**
   * The answer to an upstream POST: ACK frames for what the gateway received.
   * @param {Uint8Array} bytes
   */
  _onUpstreamAnswer(bytes) {
    try {
      for (const f of decodeBatch(bytes, { maxFrame: this.hello?.maxFrame ?? DEFAULT_MAX_FRAME })) {
        if (f.type === FrameType.ACK) this.out.ack(readU32(f.payload));
      }
    } catch (e) {
      this.close(CloseCode.PROTOCOL_ERROR, `client: POST answer: ${/** @type {Error} */ (e).message}`);
    }
  }

  _scheduleAck() {
    if (!this.in.needsAck()) return;
    if (this.in.unackedBytes >= (this.options.ackBytes ?? 32768)) {
      this.ackDue = true;
      this._flush();
      return;
    }
    if (this.timers.ack !== undefined) return;
    this.timers.ack = setTimeout(() => {
      this.timers.ack = undefined;
      this.ackDue = true;
      this._flush();
    }, this.options.ackDelayMs ?? 200);
  }

  // --- downstream ---

  /**
   * @param {import('./transports/base.js').Transport} t
   * @param {Uint8Array} bytes
   */
  _onBatch(t, bytes) {
    if (t !== this.transport || this.state === 'closed') return;
    this._armWatchdog();
    if (this.attached) this._confirm(t);
    try {
      const frames = decodeBatch(bytes, { maxFrame: this.hello?.maxFrame ?? DEFAULT_MAX_FRAME });
      for (const frame of frames) {
        this._onFrame(t, frame);
        if (t !== this.transport || this.state === 'closed') return;
      }
    } catch (e) {
      if (e instanceof FrameError || e instanceof RangeError) {
        this.close(CloseCode.PROTOCOL_ERROR, `client: ${e.message}`);
        return;
      }
      throw e;
    }
    this._scheduleAck();
    this._flush();
  }

  /**
   * @param {import('./transports/base.js').Transport} t
   * @param {import('./frame.js').Frame} frame
   */
  _onFrame(t, frame) {
    switch (frame.type) {
      case FrameType.HELLO: this._onHello(t, readJsonPayload(frame.payload, 'HELLO')); return;
      case FrameType.ACK: this.out.ack(readU32(frame.payload)); return;
      case FrameType.HEARTBEAT: return;
      default: break;
    }
    if (this.in.accept(frame.seq, HEADER_SIZE + frame.payload.length) === 'duplicate') return;
    if (frame.type === FrameType.SESSION_CLOSE) {
      const { code, reason } = readClosePayload(frame.payload);
      this._fail(code, reason);
      return;
    }
    const channel = this.channels.get(frame.channel);
    if (!channel) return; // already closed on our side: the protocol says ignore it
    switch (frame.type) {
      case FrameType.OPENED: channel._opened(readJsonPayload(frame.payload, 'OPENED')); break;
      case FrameType.DATA: channel._data(frame.payload); break;
      case FrameType.CREDIT: channel._credit(readU32(frame.payload)); break;
      case FrameType.CLOSE: {
        const { code, reason } = readClosePayload(frame.payload);
        channel._remoteClose(code, reason);
        break;
      }
      default: break;
    }
  }

  /**
   * @param {import('./transports/base.js').Transport} t
   * @param {any} hello
   */
  _onHello(t, hello) {
    if (!hello || hello.v !== 1) throw new FrameError(`HELLO speaks protocol version ${hello?.v}, this client speaks 1`, 0);
    this._applyHello(hello);
    this.out.ack(Number(hello.ack) || 0);
    if (this.attached) return;
    this._attach(t);
    this._confirm(t);
  }

  /**
   * Frames may flow on `t`: everything unacknowledged goes out again.
   * @param {import('./transports/base.js').Transport} t
   */
  _attach(t) {
    this.attached = true;
    // A poll transport gets no HELLO: one upstream POST (a HEARTBEAT if nothing else) proves it.
    this.probe = /** @type {typeof import('./transports/base.js').Transport} */ (t.constructor).attachesOnStart;
    this.confirmed = false;
    this.out.rewind();
    this.sending = false;
    queueMicrotask(() => this._flush());
  }

  /**
   * `t` has proven to work (HELLO, a poll answer or a POST answer): remember it, reset backoff.
   * @param {import('./transports/base.js').Transport} t
   */
  _confirm(t) {
    if (this.confirmed || t !== this.transport) return;
    this.confirmed = true;
    this.everAttached = true;
    this.failures = 0;
    this.lastAttachedAt = Date.now();
    clearTimeout(this.timers.attempt);
    const name = /** @type {typeof import('./transports/base.js').Transport} */ (t.constructor).transportName;
    this.transportName = name;
    rememberTransport(this.gateway, name, this.options);
    const reconnected = this.state === 'reconnecting';
    this.state = 'open';
    this.dispatchEvent(Object.assign(new Event(reconnected ? 'reconnect' : 'open'), { transport: name }));
  }

  /** @param {any} hello */
  _applyHello(hello) {
    if (typeof hello.session !== 'string' || !hello.session) throw new FrameError('HELLO without a session id', 0);
    if (this.id && hello.session !== this.id) throw new FrameError('HELLO names a different session', 0);
    const first = this.hello === null;
    this.id = hello.session;
    this.hello = {
      v: 1,
      session: hello.session,
      ack: Number(hello.ack) || 0,
      heartbeatMs: Number(hello.heartbeatMs) || 25000,
      timeoutMs: Number(hello.timeoutMs) || 30000,
      maxFrame: Number(hello.maxFrame) || DEFAULT_MAX_FRAME,
      maxMessage: Number(hello.maxMessage) || undefined,
      window: Number(hello.window) || 65536,
    };
    if (first) for (const c of this.channels.values()) c._helloWindow(this.hello.window);
  }

  _armWatchdog() {
    clearTimeout(this.timers.watchdog);
    const t = this.transport;
    const heartbeat = this.hello?.heartbeatMs ?? 25000;
    // The gateway speaks at least every heartbeat; waiting much longer would let the session
    // expire (timeoutMs) on the gateway while we still trust a dead transport.
    const own = /** @type {any} */ (t?.constructor)?.deadAfterMs ?? Infinity;
    const deadAfter = Math.min(this.options.deadAfterMs ?? heartbeat + 5000, own);
    this.timers.watchdog = setTimeout(() => {
      if (t && t === this.transport) this._down(t, { reason: `nothing received for ${deadAfter} ms` });
    }, deadAfter);
  }

  // --- transport lifecycle ---

  async _connect() {
    if (this.state === 'closed' || this.transport) return;
    const Cls = this.candidates[this.candidateIndex % this.candidates.length];
    if (!Cls) {
      this._fail(CloseCode.ABNORMAL, 'no transport available in this environment');
      return;
    }
    if (!this.id && !Cls.createsSession) {
      try {
        await this._createSession();
      } catch (e) {
        if (this.state === 'closed') return;
        const err = /** @type {any} */ (e);
        this._attemptFailed({ reason: err.message, status: err.status }, false);
        return;
      }
      if (this.state === 'closed' || this.transport) return;
    }
    /** @type {import('./transports/base.js').Transport} */
    let t;
    const ctx = {
      gateway: this.gateway,
      sessionId: this.id,
      requestTimeoutMs: this.requestTimeoutMs,
      takeAck: () => this.in.takeAck(),
      onBatch: (/** @type {Uint8Array} */ b) => this._onBatch(t, b),
      onDown: (/** @type {import('./transports/base.js').DownInfo} */ info) => this._down(t, info),
    };
    t = new Cls(ctx);
    this.transport = t;
    this.attached = false;
    this.confirmed = false;
    this.sending = false;
    this.timers.attempt = setTimeout(() => this._down(t, { reason: `no HELLO within ${this.connectTimeoutMs} ms` }),
      this.connectTimeoutMs);
    this._armWatchdog();
    try {
      t.start();
      if (Cls.attachesOnStart && t === this.transport) this._attach(t);
    } catch (e) {
      this._down(t, { reason: `${Cls.transportName}: ${/** @type {Error} */ (e).message}` });
    }
  }

  async _createSession() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.connectTimeoutMs);
    let res;
    try {
      res = await fetch(`${this.gateway}/session`, { method: 'POST', cache: 'no-store', signal: abort.signal });
    } catch (e) {
      throw Object.assign(new Error(`POST session failed: ${/** @type {Error} */ (e).message}`), { status: undefined });
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) throw Object.assign(new Error(`POST session answered ${res.status}`), { status: res.status });
    const hello = await res.json();
    if (!hello || hello.v !== 1) throw new Error(`POST session: protocol version ${hello?.v}, this client speaks 1`);
    this._applyHello(hello);
  }

  /**
   * The transport `t` failed or ended.
   * @param {import('./transports/base.js').Transport} t
   * @param {import('./transports/base.js').DownInfo} info
   */
  _down(t, info) {
    if (t !== this.transport) return;
    t.close();
    this.transport = null;
    clearTimeout(this.timers.attempt);
    clearTimeout(this.timers.watchdog);
    const wasAttached = this.confirmed;
    this.attached = false;
    this.confirmed = false;
    this.sending = false;
    if (this.state === 'closed') return;
    this._attemptFailed(info, wasAttached);
  }

  /**
   * @param {import('./transports/base.js').DownInfo} info
   * @param {boolean} wasAttached
   */
  _attemptFailed(info, wasAttached) {
    const fatal = this._fatal(info);
    if (fatal) {
      this._fail(fatal.code, fatal.reason);
      return;
    }
    this.lastError = info.reason;
    if (wasAttached) {
      this.failures = 0;
      this.lastAttachedAt = Date.now();
    } else {
      this.failures++;
      if (this.candidates.length > 1) this.candidateIndex = (this.candidateIndex + 1) % this.candidates.length;
      const rounds = this.failures / this.candidates.length;
      if (!this.everAttached && rounds >= 2) {
        const names = this.candidates.map((c) => c.transportName).join(', ');
        this._fail(CloseCode.ABNORMAL, `could not reach the gateway at ${this.gateway} with ${names}: ${info.reason}`);
        return;
      }
      const expiry = (this.hello?.timeoutMs ?? 30000) + this.connectTimeoutMs;
      if (this.everAttached && Date.now() - this.lastAttachedAt > expiry) {
        this._fail(CloseCode.SESSION_EXPIRED, `no transport could reattach for ${expiry} ms: ${info.reason}`);
        return;
      }
    }
    if (this.state === 'open') {
      this.state = 'reconnecting';
      this.dispatchEvent(Object.assign(new Event('reconnecting'), { reason: info.reason }));
    }
    // While still probing the list for the first time, move to the next transport at once.
    const probing = !this.everAttached && this.failures < this.candidates.length;
    const delay = probing ? 0 : backoffDelay(this.failures, this.options);
    this.timers.reconnect = setTimeout(() => this._connect(), delay);
  }

  /**
   * Which failures end the session instead of being retried.
   * @param {import('./transports/base.js').DownInfo} info
   * @returns {{code: number, reason: string}|null}
   */
  _fatal(info) {
    const why = info.reason;
    if (info.status === 403 || info.wsCode === 1008) {
      return { code: CloseCode.POLICY_VIOLATION, reason: `the gateway refused this page: ${why}` };
    }
    if (info.status === 410 || info.wsCode === CloseCode.SESSION_UNKNOWN) {
      return { code: CloseCode.SESSION_UNKNOWN, reason: why };
    }
    if ((info.status === 404 || info.wsCode === 4004) && this.everAttached) {
      return { code: CloseCode.SESSION_EXPIRED, reason: `the gateway no longer knows this session: ${why}` };
    }
    if (info.status === 400 || info.status === 413 || info.wsCode === 1002 || info.wsCode === 1009) {
      return { code: CloseCode.PROTOCOL_ERROR, reason: `the gateway rejected our frames: ${why}` };
    }
    if (info.status === 429) return { code: CloseCode.LIMIT_EXCEEDED, reason: why };
    if (info.status === 503 || info.wsCode === 4010) return { code: CloseCode.GATEWAY_SHUTDOWN, reason: why };
    return null;
  }

  /**
   * The session is over: every channel ends with `code`.
   * @param {number} code
   * @param {string} reason
   */
  _fail(code, reason) {
    if (this.state === 'closed') return;
    if (code === CloseCode.SESSION_UNKNOWN && this._startFresh()) return;
    this.state = 'closed';
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
    if (this.transport) this.transport.close();
    this.transport = null;
    if (this.registryKey && sessions.get(this.registryKey) === this) sessions.delete(this.registryKey);
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const c of channels) c._finish(code, reason);
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }

  /**
   * The gateway node does not hold our session (4015) before any transport ever attached to
   * it: the gateway has none of our frames, so start a fresh session at once and send them
   * there. A few times at most, so a balancer that always misroutes ends in 4015, not a loop.
   * @returns {boolean} whether a fresh session is on its way
   */
  _startFresh() {
    if (this.everAttached || (this.freshStarts = (this.freshStarts ?? 0) + 1) > 3) return false;
    if (this.transport) this.transport.close();
    this.transport = null;
    clearTimeout(this.timers.attempt);
    clearTimeout(this.timers.watchdog);
    clearTimeout(this.timers.reconnect);
    this.attached = false;
    this.confirmed = false;
    this.sending = false;
    this.id = null;
    this.hello = null;
    this.in = new ReceiveWindow();
    this.out.rewind();
    this.timers.reconnect = setTimeout(() => this._connect(), 0);
    return true;
  }

  /** @param {Channel} channel */
  _channelFinished(channel) {
    this.channels.delete(channel.id);
    if (this.channels.size === 0 && this.state !== 'closed') {
      clearTimeout(this.timers.linger);
      this.timers.linger = setTimeout(() => {
        if (this.channels.size === 0) this.close(CloseCode.NORMAL, 'idle');
      }, this.options.lingerMs ?? 5000);
    }
  }
}

/**
 * @param {string} url
 * @param {SessionOptions} options
 * @returns {string}
 */
function sessionKey(url, options) {
  const t = options.transports;
  return `${url} ${t === undefined ? '*' : [].concat(t).join(',')}`;
}

/**
 * @param {SessionOptions} options
 * @param {string} gateway
 * @returns {Array<typeof import('./transports/base.js').Transport>}
 */
function chooseCandidates(options, gateway) {
  const classes = options.transportClasses ?? ALL_TRANSPORTS;
  const byName = new Map(classes.map((c) => [c.transportName, c]));
  const wanted = options.transports === undefined ? null
    : (Array.isArray(options.transports) ? options.transports : [options.transports]);
  if (wanted) {
    for (const name of wanted) {
      if (!byName.has(name)) {
        throw new TypeError(`unknown transport '${name}'; known: ${[...byName.keys()].join(', ')}`);
      }
    }
  }
  let list = (wanted ?? [...byName.keys()]).map((n) => /** @type {typeof import('./transports/base.js').Transport} */ (byName.get(n)));
  list = list.filter((c) => c.isAvailable());
  if (!wanted || wanted.length > 1) {
    const remembered = recallTransport(gateway, options);
    const i = list.findIndex((c) => c.transportName === remembered);
    if (i > 0) list.unshift(...list.splice(i, 1));
  }
  return list;
}

/**
 * @param {string} gateway
 * @param {SessionOptions} options
 * @returns {string|null}
 */
function recallTransport(gateway, options) {
  if (options.rememberTransport === false) return null;
  try {
    return globalThis.sessionStorage?.getItem(STORAGE_PREFIX + gateway) ?? null;
  } catch {
    return null; // storage disabled (sandboxed frame, privacy mode)
  }
}

/**
 * @param {string} gateway
 * @param {string} name
 * @param {SessionOptions} options
 */
function rememberTransport(gateway, name, options) {
  if (options.rememberTransport === false) return;
  try {
    globalThis.sessionStorage?.setItem(STORAGE_PREFIX + gateway, name);
  } catch { /* storage disabled */ }
}
