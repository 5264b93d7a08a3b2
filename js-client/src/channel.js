/**
 * One virtual TCP socket inside a {@link Session}: its state, its two credit windows, and the
 * bytes the application wrote that the upstream credit does not cover yet.
 * @module
 */

import { FrameType, closePayload, jsonPayload, u32Payload } from './frame.js';
import { SendCredit, ReceiveCredit } from './flow.js';

/** The gateway's default --max-window: a channel's receive window grows no further unless told. */
const DEFAULT_MAX_WINDOW = 1024 * 1024;
import { CloseCode } from './codes.js';

/**
 * What a channel reports to the socket object that owns it.
 * @typedef {object} ChannelListener
 * @property {(info: {remoteAddress: string, remotePort: number}) => void} onOpened
 * @property {(bytes: Uint8Array) => void} onData
 * @property {(buffered: number) => void} onBuffered bytes written but not yet framed changed
 * @property {(code: number, reason: string) => void} onClosed the channel is finished
 */

/** Channel states; `closing` = the application closed it and its last bytes are draining. */
export const ChannelState = Object.freeze({ OPENING: 'opening', OPEN: 'open', CLOSING: 'closing', CLOSED: 'closed' });

export class Channel {
  /**
   * @param {import('./session.js').Session} session
   * @param {number} id
   * @param {ChannelListener} listener
   * @param {number} sendWindow upstream credit before OPENED (the HELLO window, 0 if unknown yet)
   * @param {number} receiveWindow downstream window (the HELLO window)
   */
  constructor(session, id, listener, sendWindow, receiveWindow) {
    this.session = session;
    this.id = id;
    this.listener = listener;
    this.state = ChannelState.OPENING;
    this.sendCredit = new SendCredit(sendWindow);
    this.receiveCredit = new ReceiveCredit(receiveWindow);
    if (session.windowBudget) {
      this.receiveCredit.tune(session.options.maxWindow ?? DEFAULT_MAX_WINDOW, session.windowBudget,
        () => session.link.rtt.smoothed);
    }
    /** @type {Uint8Array[]} */
    this.pending = [];
    this.pendingBytes = 0;
    this.opened = false;
    this.closeRequested = false;
    this.closeSent = false;
  }

  /**
   * Sends OPEN. Called once by the session.
   * @param {string} target `alias` or `host:port`
   * @param {string} [token]
   */
  open(target, token) {
    const body = token ? { target, token } : { target };
    this.session._enqueue(FrameType.OPEN, this.id, jsonPayload(body));
  }

  /** @returns {number} bytes written by the application that are not framed yet */
  get bufferedAmount() {
    return this.pendingBytes;
  }

  /**
   * @param {Uint8Array} bytes
   * @param {boolean} [owned] the caller will not touch `bytes` again; otherwise whatever credit
   *   does not let out now (the frames copy the rest) is copied before this returns
   */
  write(bytes, owned = false) {
    if (this.closeRequested || this.state === ChannelState.CLOSED) {
      throw new Error(`channel ${this.id} is ${this.state}: cannot write`);
    }
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.pump();
    // pump() works in order, so anything still pending ends with what is left of `bytes`.
    const last = this.pending.length - 1;
    if (!owned && last >= 0) this.pending[last] = this.pending[last].slice();
  }

  /** Turns pending bytes into DATA frames as far as credit allows; sends CLOSE once drained. */
  pump() {
    if (this.state === ChannelState.CLOSED) return;
    const before = this.pendingBytes;
    const chunk = this.session.dataChunkSize;
    while (this.pendingBytes > 0) {
      const n = Math.min(this.sendCredit.available, chunk, this.pending[0].length);
      if (n <= 0) break;
      const head = this.pending[0];
      const piece = n === head.length ? head : head.subarray(0, n);
      if (n === head.length) this.pending.shift(); else this.pending[0] = head.subarray(n);
      this.pendingBytes -= n;
      this.sendCredit.consume(n);
      this.session._enqueue(FrameType.DATA, this.id, piece);
    }
    if (this.pendingBytes !== before) this.listener.onBuffered(this.pendingBytes);
    if (this.closeRequested && this.pendingBytes === 0 && !this.closeSent) {
      this.closeSent = true;
      this.session._enqueue(FrameType.CLOSE, this.id, closePayload(this.closeCode, this.closeReason),
        () => this._finish(CloseCode.NORMAL, ''));
    }
  }

  /**
   * The application consumed `bytes` of received data: grant them back to the gateway.
   * @param {number} bytes
   */
  consumed(bytes) {
    if (this.state === ChannelState.CLOSED || this.closeSent) return;
    const grant = this.receiveCredit.consumed(bytes);
    if (grant > 0) this.session._enqueue(FrameType.CREDIT, this.id, u32Payload(grant));
  }

  /**
   * Closes after everything written so far has been sent; finished when the gateway acks CLOSE.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = CloseCode.NORMAL, reason = '') {
    if (this.closeRequested || this.state === ChannelState.CLOSED) return;
    this.closeRequested = true;
    this.closeCode = code;
    this.closeReason = reason;
    this.state = ChannelState.CLOSING;
    this.pump();
  }

  // --- called by the session for frames from the gateway ---

  /** @param {number} window the session's HELLO window, now known */
  _helloWindow(window) {
    if (!this.opened) this.sendCredit.opened(Math.max(this.sendCredit.initial, window));
    this.receiveCredit.window = window;
    this.receiveCredit.step = Math.max(1, Math.floor(window / 4));
    this.pump();
  }

  /** @param {{remoteAddress?: string, remotePort?: number, window?: number}} info */
  _opened(info) {
    if (this.state === ChannelState.CLOSED) return;
    this.opened = true;
    if (typeof info.window === 'number') this.sendCredit.opened(info.window);
    if (this.state === ChannelState.OPENING) this.state = ChannelState.OPEN;
    this.listener.onOpened({ remoteAddress: String(info.remoteAddress ?? ''), remotePort: Number(info.remotePort ?? 0) });
    this.pump();
  }

  /** @param {Uint8Array} bytes */
  _data(bytes) {
    if (this.state === ChannelState.CLOSED || this.closeSent) return;
    this.receiveCredit.received(bytes.length);
    this.listener.onData(bytes);
  }

  /** @param {number} bytes */
  _credit(bytes) {
    this.sendCredit.grant(bytes);
    this.pump();
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  _remoteClose(code, reason) {
    // Our own close was already under way: the application asked for it, so report it as normal.
    if (this.closeRequested) this._finish(CloseCode.NORMAL, '');
    else this._finish(code, reason);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  _finish(code, reason) {
    if (this.state === ChannelState.CLOSED) return;
    this.state = ChannelState.CLOSED;
    this.receiveCredit.release();
    this.pending = [];
    this.pendingBytes = 0;
    this.session._channelFinished(this);
    this.listener.onClosed(code, reason);
  }
}
