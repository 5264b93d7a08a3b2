/**
 * Per-channel credit accounting (docs/PROTOCOL.md "Flow control"), in DATA payload bytes.
 * @module
 */

/**
 * Upstream: how many bytes this client may still send on a channel. Before OPENED the client
 * may use the HELLO window; OPENED then states the channel's starting credit. That value is
 * counted as a total since the channel opened (bytes already sent come off it), which is the
 * conservative reading: it can never overrun the gateway, whichever way the gateway counts.
 */
export class SendCredit {
  /** @param {number} initial */
  constructor(initial) {
    this.initial = initial;
    this.granted = 0;
    this.sent = 0;
  }

  /** @returns {number} bytes that may be sent now (never negative) */
  get available() {
    return Math.max(0, this.initial + this.granted - this.sent);
  }

  /** @param {number} window the starting credit from OPENED */
  opened(window) {
    this.initial = window;
  }

  /** @param {number} bytes from a CREDIT frame */
  grant(bytes) {
    this.granted += bytes;
  }

  /**
   * @param {number} bytes
   * @throws {RangeError} if that is more than the credit left
   */
  consume(bytes) {
    if (bytes > this.available) throw new RangeError(`sending ${bytes} bytes with only ${this.available} credit`);
    this.sent += bytes;
  }
}

/**
 * Downstream: the gateway may send `window` bytes the application has not consumed yet. The
 * client grants credit back as the application consumes, in steps (so a byte-at-a-time reader
 * does not cost a CREDIT frame per byte), which is what stops a backend when the page stops reading.
 */
export class ReceiveCredit {
  /**
   * @param {number} window the HELLO window
   * @param {number} [step] grant once this many consumed bytes have accumulated
   */
  constructor(window, step = Math.max(1, Math.floor(window / 4))) {
    this.window = window;
    this.step = step;
    this.buffered = 0;
    this.ungranted = 0;
    /** bytes received beyond the window: the gateway overran its credit */
    this.overrun = 0;
  }

  /** @param {number} bytes DATA payload bytes that arrived */
  received(bytes) {
    this.buffered += bytes;
    const outstanding = this.buffered + this.ungranted;
    if (outstanding > this.window) this.overrun = outstanding - this.window;
  }

  /**
   * The application consumed `bytes`.
   * @param {number} bytes
   * @returns {number} credit to grant now (0 = wait for more)
   */
  consumed(bytes) {
    this.buffered -= bytes;
    this.ungranted += bytes;
    if (this.ungranted < this.step) return 0;
    const grant = this.ungranted;
    this.ungranted = 0;
    return grant;
  }
}
