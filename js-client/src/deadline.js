/**
 * A deadline that is cheap to push back: the liveness watchdog moves its silence deadline on
 * every batch received (hundreds a second in a bulk transfer), and clearing and setting a timer
 * each time cost more in Chromium than the rest of the batch's bookkeeping. Moving it later only
 * records the new time; the timer in place, when it fires early, sets itself again for the rest.
 * @module
 */

export class Deadline {
  /** @param {() => void} onExpire called once when the deadline passes */
  constructor(onExpire) {
    this.onExpire = onExpire;
    /** performance.now() when it expires, 0 while off */
    this.due = 0;
    /** when the timer in place fires, 0 if none */
    this.timerAt = 0;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.timer = undefined;
  }

  /** @returns {boolean} */
  get armed() {
    return this.due !== 0;
  }

  /**
   * Expires `ms` from now (unless set again or turned off first).
   * @param {number} ms
   */
  set(ms) {
    const now = performance.now();
    this.due = now + ms;
    // A timer that fires no later than the new time wakes up and sets itself again for the rest.
    if (this.timer !== undefined && this.timerAt <= this.due) return;
    clearTimeout(this.timer);
    this.#start(now, ms);
  }

  /** Off. The timer in place stays (it fires once, finds nothing due) unless `cancel()`. */
  clear() {
    this.due = 0;
  }

  /** Off, and no timer left behind (the watch ended). */
  cancel() {
    this.due = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = 0;
  }

  /**
   * @param {number} now
   * @param {number} ms
   */
  #start(now, ms) {
    this.timerAt = now + ms;
    this.timer = setTimeout(() => this.#fired(), ms);
  }

  #fired() {
    this.timer = undefined;
    this.timerAt = 0;
    if (this.due === 0) return;
    const now = performance.now();
    if (now < this.due) {
      this.#start(now, this.due - now);
      return;
    }
    this.due = 0;
    this.onExpire();
  }
}
