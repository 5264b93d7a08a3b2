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

/** The gateway's default --session-window-budget: the client grows its windows as far. */
export const DEFAULT_WINDOW_BUDGET = 2 * 1024 * 1024;

/**
 * How far one session's channels may grow their receive windows, together (docs/PROTOCOL.md,
 * "Growing windows"): the budget caps the SUM of the windows of the channels that have
 * received data. One fast channel may take most of it; several busy ones stop growing sooner.
 */
export class WindowBudget {
  /** @param {number} [limit] bytes */
  constructor(limit = DEFAULT_WINDOW_BUDGET) {
    this.limit = limit;
    this.used = 0;
    /**
     * how far the live channels' windows grew beyond their initial size, together: the gateway
     * raises the session's retransmit bound by as much, so acknowledgements may space out
     */
    this.grown = 0;
  }

  /**
   * @param {number} wanted bytes of growth
   * @returns {number} what was granted (0 once the budget is spent)
   */
  reserve(wanted) {
    const got = Math.max(0, Math.min(wanted, this.limit - this.used));
    this.used += got;
    this.grown += got;
    return got;
  }

  /**
   * A channel ended.
   * @param {number} window its whole window
   * @param {number} [growth] the part of it that was growth
   */
  free(window, growth = 0) {
    this.used = Math.max(0, this.used - window);
    this.grown = Math.max(0, this.grown - growth);
  }
}

/**
 * Receive-window auto-tuning for one channel, the rule HTTP/2 and QUIC stacks use (and the
 * gateway's WindowTuner): credit handed back is counted in epochs; an epoch of at least half a
 * window that came faster than a full window per two round trips means the window limited the
 * sender, so the window doubles, up to `max` and only as far as the session's budget allows.
 * The growth rides the next CREDIT as extra bytes, so the wire does not change.
 */
export class WindowTuner {
  /**
   * @param {number} initial the HELLO window (counted against the budget at once)
   * @param {number} max
   * @param {WindowBudget} budget
   * @param {number} now milliseconds
   */
  constructor(initial, max, budget, now) {
    this.initial = initial;
    this.max = Math.max(initial, max);
    this.budget = budget;
    this.window = initial;
    this.consumedTotal = 0;
    this.epochStart = 0;
    this.epochStartTime = now;
    budget.used += initial;
  }

  /**
   * @param {number} bytes about to be granted back
   * @param {number} now milliseconds
   * @param {number} rtt the session's smoothed round trip in milliseconds, 0 while unknown
   * @returns {number} extra credit to add to this grant (0 mostly)
   */
  consumed(bytes, now, rtt) {
    this.consumedTotal += bytes;
    const inEpoch = this.consumedTotal - this.epochStart;
    if (inEpoch * 2 < this.window) return 0;
    let growth = 0;
    if (rtt > 0 && this.window < this.max && (now - this.epochStartTime) * this.window < 2 * rtt * inEpoch) {
      growth = this.budget.reserve(Math.min(this.window, this.max - this.window));
      this.window += growth;
    }
    this.epochStart = this.consumedTotal;
    this.epochStartTime = now;
    return growth;
  }

  /** The channel ended: its whole window goes back to the budget. */
  release() {
    this.budget.free(this.window, this.window - this.initial);
    this.window = this.initial;
  }
}

/**
 * Downstream: the gateway may send `window` bytes the application has not consumed yet. The
 * client grants credit back as the application consumes, in steps (so a byte-at-a-time reader
 * does not cost a CREDIT frame per byte), which is what stops a backend when the page stops reading.
 * With {@link ReceiveCredit#tune} the window grows while the gateway sends fast.
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
    /** @type {{max: number, budget: WindowBudget, rtt: () => number}|null} */
    this.tuning = null;
    /** @type {WindowTuner|null} created with the first grant (the window is known by then) */
    this.tuner = null;
  }

  /**
   * Lets the window grow (docs/PROTOCOL.md, "Growing windows").
   * @param {number} max largest window
   * @param {WindowBudget} budget the session's
   * @param {() => number} rtt the session's smoothed round trip in milliseconds
   */
  tune(max, budget, rtt) {
    this.tuning = { max, budget, rtt };
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
    let grant = this.ungranted;
    this.ungranted = 0;
    if (this.tuning) {
      const now = performance.now();
      this.tuner ??= new WindowTuner(this.window, this.tuning.max, this.tuning.budget, now);
      const growth = this.tuner.consumed(grant, now, this.tuning.rtt());
      if (growth > 0) {
        grant += growth;
        this.window += growth;
        this.step = Math.max(1, Math.floor(this.window / 4));
      }
    }
    return grant;
  }

  /** The channel ended: its window goes back to the session's budget. */
  release() {
    this.tuner?.release();
    this.tuner = null;
  }
}
