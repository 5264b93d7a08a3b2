/**
 * The page's link to one gateway: one Session per gateway URL, shared by every socket of the
 * page. This class is the lifecycle (idle -> connecting -> open <-> reconnecting -> closed):
 * it starts transports, reacts when one proves itself or goes down, and ends the session. The
 * jobs it delegates: which transport next ({@link TransportChoice}), when to try again or give
 * up ({@link ReconnectPacing}), reliable delivery both ways ({@link ReliableLink}), the channels
 * ({@link ChannelTable}), and the deadlines that reveal a dead transport ({@link TransportWatch}).
 * @module
 */

import {
  FrameType, FrameError, decodeBatch, readU32, readClosePayload, readJsonPayload, closePayload,
  HEADER_SIZE, DEFAULT_MAX_FRAME,
} from './frame.js';
import { CloseCode, CometGateError } from './codes.js';
import { resolveGateway } from './gateway-url.js';
import { TransportChoice, choiceKey } from './transport-choice.js';
import { ReconnectPacing } from './reconnect-pacing.js';
import { ReliableLink } from './reliable-link.js';
import { WindowBudget } from './flow.js';
import { ChannelTable } from './channel-table.js';
import { TransportWatch } from './transport-watch.js';
import { closeOnPageHide, sayGoodbye } from './page-exit.js';
import { sharedSession, forgetSession } from './session-registry.js';
import { postSession } from './transports/base.js';
import { readHello } from './hello.js';

export { defaultGateway, resolveGateway } from './gateway-url.js';

/** @typedef {import('./session-options.js').AllSessionOptions} AllSessionOptions */

/** @typedef {import('./hello.js').Hello} Hello */
/** @typedef {import('./transports/base.js').Transport} Transport */
/** @typedef {typeof import('./transports/base.js').Transport} TransportClass */

/** DATA payload size while no transport says its own (Transport#dataChunk). */
const DATA_CHUNK = 16384 - HEADER_SIZE;
/** bytes a batch keeps free beside one DATA frame: an ACK and a CREDIT (17 bytes each), and more */
const BATCH_ROOM = 64;

export class Session extends EventTarget {
  /**
   * The shared session for a gateway URL and transport choice, created on first use. Sockets
   * that force a different transport get a session of their own; the other options are taken
   * from the socket that created the session.
   * @param {string} [gateway]
   * @param {AllSessionOptions} [options]
   * @returns {Session}
   */
  static for(gateway, options = {}) {
    const url = resolveGateway(gateway);
    const key = `${url} ${choiceKey(options)}`;
    return sharedSession(key, () => Object.assign(new Session(url, options), { registryKey: key }));
  }

  /**
   * @param {string} gateway
   * @param {AllSessionOptions} [options]
   */
  constructor(gateway, options = {}) {
    super();
    this.gateway = resolveGateway(gateway);
    this.options = options;
    this.choice = new TransportChoice(options, this.gateway);
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
    this.channels = new ChannelTable();
    /** the sum of this session's channel receive windows grows no further (docs/PROTOCOL.md, "Growing windows") */
    this.windowBudget = new WindowBudget(options.windowBudget);
    this.link = new ReliableLink(options, {
      batchLimit: () => this.watch.batchLimit(this.hello?.maxMessage ?? Infinity),
      maxFrame: () => this.hello?.maxFrame ?? DEFAULT_MAX_FRAME,
      sent: (t, sequenced) => this.watch.sent(t, sequenced),
      answered: (t) => {
        this._confirm(t);
        this.watch.answered(t);
      },
      sendFailed: (t, e) => this._down(t, { reason: e.message, status: e.status }),
      protocolError: (message) => this.close(CloseCode.PROTOCOL_ERROR, message),
      ackSlack: () => this.windowBudget.grown / 4,
    });
    this.watch = new TransportWatch(options, {
      hello: () => this.hello,
      link: () => this.link,
      dead: (t, reason) => this._down(t, { reason }),
      waiting: () => this.channels.waitingForGateway,
      probe: () => this.link.sendProbe(),
    });
    this.pacing = new ReconnectPacing(options, this.choice, this.gateway);
    /** @type {Transport|null} the transport being tried or in use */
    this.transport = null;
    /** the current transport has proven itself (HELLO, a poll answer or a POST answer) */
    this.confirmed = false;
    /** @type {{reconnect?: ReturnType<typeof setTimeout>, linger?: ReturnType<typeof setTimeout>}} */
    this.timers = {};
    /** @type {(() => void)|null} removes the pagehide listener */
    this.stopPageWatch = null;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 40000;
  }

  /** @returns {number} DATA payload size for upstream chunks */
  get dataChunkSize() {
    // A DATA frame leaves room in a batch for the ACK and CREDIT frames that may ride with it.
    return Math.min(this.transport?.dataChunk ?? DATA_CHUNK, this.hello?.maxFrame ?? DEFAULT_MAX_FRAME,
      (this.hello?.maxMessage ?? Infinity) - HEADER_SIZE - BATCH_ROOM);
  }

  /** @returns {import('./liveness.js').LivenessPlan} the deadlines in force */
  get liveness() {
    return this.watch.plan();
  }

  /**
   * Opens a channel (a virtual socket) to `target`, an alias or `host:port`.
   * @param {string} target
   * @param {import('./channel.js').ChannelListener} listener
   * @param {{token?: string}} [options]
   * @returns {import('./channel.js').Channel}
   */
  openChannel(target, listener, options = {}) {
    if (this.state === 'closed') throw new CometGateError(CloseCode.SESSION_EXPIRED, 'the session is closed');
    clearTimeout(this.timers.linger);
    const channel = this.channels.add(this, listener, this.hello?.window ?? 0);
    channel.open(target, options.token);
    if (this.state === 'idle') {
      this.state = 'connecting';
      if (this.options.closeOnPageHide !== false) this.stopPageWatch = closeOnPageHide(() => this.#pageGone());
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
    const t = this.link.transport;
    if (t) {
      this.link.enqueue(FrameType.SESSION_CLOSE, 0, closePayload(code, reason));
      // Give the last batch a moment to leave; the gateway would expire the session anyway.
      // (With a POST in flight it cannot go now: a second POST could overtake the first.)
      this.link.flush();
      setTimeout(() => t.close(), 1000);
      this.link.detach();
      this.transport = null;
    }
    this._fail(code, reason);
  }

  /** Test hook: drops the current transport as if the network had cut it. */
  _debugDropTransport() {
    if (this.transport) this._down(this.transport, { reason: 'dropped by _debugDropTransport()' });
  }

  // --- for channels ---

  /**
   * @param {number} type
   * @param {number} channel
   * @param {Uint8Array} payload
   * @param {() => void} [onAck]
   */
  _enqueue(type, channel, payload, onAck) {
    this.link.enqueue(type, channel, payload, onAck);
  }

  /** @param {import('./channel.js').Channel} channel */
  _channelFinished(channel) {
    this.channels.remove(channel);
    if (this.channels.size === 0 && this.state !== 'closed') {
      clearTimeout(this.timers.linger);
      this.timers.linger = setTimeout(() => {
        if (this.channels.size === 0) this.close(CloseCode.NORMAL, 'idle');
      }, this.options.lingerMs ?? 5000);
    }
  }

  // --- downstream ---

  /**
   * @param {Transport} t
   * @param {Uint8Array} bytes
   */
  _onBatch(t, bytes) {
    if (t !== this.transport || this.state === 'closed') return;
    this.pacing.heard();
    this.watch.heard(t);
    if (this.link.transport === t) this._confirm(t);
    try {
      for (const frame of decodeBatch(bytes, { maxFrame: this.hello?.maxFrame ?? DEFAULT_MAX_FRAME })) {
        this.#onFrame(t, frame);
        if (t !== this.transport || this.state === 'closed') return;
      }
    } catch (e) {
      if (e instanceof FrameError || e instanceof RangeError) {
        this.close(CloseCode.PROTOCOL_ERROR, `client: ${e.message}`);
        return;
      }
      throw e;
    }
    this.watch.batchHandled(t);
    this.link.scheduleAck();
    this.link.flush();
  }

  /**
   * @param {Transport} t
   * @param {import('./frame.js').Frame} frame
   */
  #onFrame(t, frame) {
    switch (frame.type) {
      case FrameType.HELLO: this.#onHello(t, readJsonPayload(frame.payload, 'HELLO')); return;
      case FrameType.ACK: this.link.acked(readU32(frame.payload)); return;
      case FrameType.HEARTBEAT: return;
      default: break;
    }
    if (!this.link.accept(frame)) return;
    this.watch.delivered();
    if (frame.type === FrameType.SESSION_CLOSE) {
      const { code, reason } = readClosePayload(frame.payload);
      this._fail(code, reason);
      return;
    }
    this.channels.dispatch(frame);
  }

  /**
   * @param {Transport} t
   * @param {any} hello
   */
  #onHello(t, hello) {
    this.#applyHello(hello);
    this.link.acked(Number(hello.ack) || 0);
    if (this.link.transport === t) return;
    this.link.attach(t, false);
    this._confirm(t);
  }

  /** @param {any} hello */
  #applyHello(hello) {
    const first = this.hello === null;
    this.hello = readHello(hello, this.id);
    this.id = this.hello.session;
    if (first) this.channels.helloWindow(this.hello.window);
  }

  // --- transport lifecycle ---

  /**
   * `t` has proven to work (HELLO, a poll answer or a POST answer): remember it, reset backoff.
   * @param {Transport} t
   */
  _confirm(t) {
    if (this.confirmed || t !== this.transport) return;
    this.confirmed = true;
    this.pacing.attached();
    this.watch.proven();
    const cls = /** @type {TransportClass} */ (t.constructor);
    this.choice.worked(cls);
    this.transportName = cls.transportName;
    const reconnected = this.state === 'reconnecting';
    this.state = 'open';
    this.dispatchEvent(Object.assign(new Event(reconnected ? 'reconnect' : 'open'), { transport: cls.transportName }));
  }

  async _connect() {
    if (this.state === 'closed' || this.transport) return;
    const Cls = this.choice.current;
    if (!Cls) {
      this._fail(CloseCode.ABNORMAL, 'no transport available in this environment');
      return;
    }
    if (!this.id && !Cls.createsSession) {
      try {
        this.#applyHello(await postSession(this.gateway, this.pacing.connectTimeoutMs));
      } catch (e) {
        if (this.state === 'closed') return;
        const err = /** @type {any} */ (e);
        this.#attemptFailed({ reason: err.message, status: err.status }, false);
        return;
      }
      if (this.state === 'closed' || this.transport) return;
    }
    const plan = this.watch.plan(Cls);
    /** @type {Transport} */
    let t;
    const ctx = {
      gateway: this.gateway,
      sessionId: this.id,
      requestTimeoutMs: this.requestTimeoutMs,
      postTimeoutMs: (/** @type {number} */ bytes) => this.watch.answerMs(t, bytes),
      pollTimeoutMs: plan.pollTimeoutMs,
      takeAck: () => this.link.takeAck(),
      onBatch: (/** @type {Uint8Array} */ b) => this._onBatch(t, b),
      onDown: (/** @type {import('./transports/base.js').DownInfo} */ info) => this._down(t, info),
    };
    t = new Cls(ctx);
    this.transport = t;
    this.confirmed = false;
    this.link.detach();
    this.watch.start(t, this.pacing.attemptStarts(plan));
    try {
      t.start();
      // A poll transport gets no HELLO: one upstream POST (a HEARTBEAT if nothing else) proves it.
      if (Cls.attachesOnStart && t === this.transport) this.link.attach(t, true);
    } catch (e) {
      this._down(t, { reason: `${Cls.transportName}: ${/** @type {Error} */ (e).message}` });
    }
  }

  /**
   * The transport `t` failed or ended.
   * @param {Transport} t
   * @param {import('./transports/base.js').DownInfo} info
   */
  _down(t, info) {
    if (t !== this.transport) return;
    t.close();
    this.transport = null;
    this.watch.stop();
    this.link.detach();
    const wasAttached = this.confirmed;
    this.confirmed = false;
    if (this.state === 'closed') return;
    this.#attemptFailed(info, wasAttached);
  }

  /**
   * @param {import('./transports/base.js').DownInfo} info
   * @param {boolean} wasAttached
   */
  #attemptFailed(info, wasAttached) {
    const next = this.pacing.afterFailure(info, wasAttached, this.liveness);
    if ('code' in next) {
      this._fail(next.code, next.reason);
      return;
    }
    this.lastError = info.reason;
    if (this.state === 'open') {
      this.state = 'reconnecting';
      this.dispatchEvent(Object.assign(new Event('reconnecting'), { reason: info.reason }));
    }
    this.timers.reconnect = setTimeout(() => this._connect(), next.delayMs);
  }

  /** The page is going away: tell the gateway now, so its backends see the disconnect at once. */
  #pageGone() {
    if (this.state === 'closed') return;
    if (this.id) sayGoodbye(this.gateway, this.id, this.link);
    this._fail(CloseCode.NORMAL, 'the page was closed');
  }

  /**
   * The session is over: every channel ends with `code`.
   * @param {number} code
   * @param {string} reason
   */
  _fail(code, reason) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timers.reconnect);
    clearTimeout(this.timers.linger);
    this.watch.stop();
    this.link.stop();
    this.stopPageWatch?.();
    if (this.transport) this.transport.close();
    this.transport = null;
    forgetSession(this.registryKey, this);
    this.channels.finishAll(code, reason);
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

