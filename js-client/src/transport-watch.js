/**
 * Watches the session's current transport for death: it feeds the {@link Watchdog} with the
 * deadlines of {@link livenessPlan} for that transport's kind, and with what the reliable link
 * reports (bytes heard, frames sent, answers received). Kept apart from the session because
 * the rules differ by transport kind (a long poll's answers come in POST answers, a stream's on
 * its downstream) and the session need not know them.
 * @module
 */

import { Watchdog, livenessPlan, answerDeadline } from './liveness.js';

/** @typedef {import('./transports/base.js').Transport} Transport */
/** @typedef {typeof import('./transports/base.js').Transport} TransportClass */

export class TransportWatch {
  /**
   * @param {import('./liveness.js').LivenessOptions} options
   * @param {{hello: () => import('./hello.js').Hello|null,
   *   link: () => import('./reliable-link.js').ReliableLink,
   *   dead: (t: Transport, reason: string) => void}} session
   */
  constructor(options, session) {
    this.options = options;
    this.session = session;
    this.watchdog = new Watchdog(session.dead);
  }

  /**
   * @param {Transport|TransportClass|null} [t] a transport or its class; none: the defaults
   * @returns {import('./liveness.js').LivenessPlan} the deadlines for it
   */
  plan(t) {
    return livenessPlan(this.session.hello(), this.options, /** @type {any} */ (typeof t === 'function' ? t : t?.constructor));
  }

  /**
   * `t` is the transport now: it must prove itself within `attemptMs`.
   * @param {Transport} t
   * @param {number} attemptMs
   */
  start(t, attemptMs) {
    this.watchdog.watch(t, attemptMs, this.plan(t).deadAfterMs);
  }

  /** The transport proved itself; only silence and missing answers can condemn it now. */
  proven() {
    this.watchdog.proven();
  }

  /** @param {Transport} t bytes arrived on it: its silence deadline starts again */
  heard(t) {
    this.watchdog.heard(this.plan(t).deadAfterMs);
  }

  /**
   * A batch from `t` was handled. Still waiting for an answer after it (an ACK; for a poll
   * transport, the answer to the POST in flight, which travels apart from the polls): it is
   * due afresh.
   * @param {Transport} t
   */
  batchHandled(t) {
    const link = this.session.link();
    if (isPoll(t) ? link.sending : link.awaitingAck) this.watchdog.expectAnswer(this.#answerMs(t));
  }

  /**
   * @param {Transport} t
   * @param {number} sequenced bytes of sequenced frames in the batch just sent
   */
  sent(t, sequenced) {
    // The gateway acknowledges sequenced frames at once (on the downstream, or in the POST
    // answer for polls): a transport that stays silent after them is dead.
    if (sequenced > 0 && t === this.watchdog.transport) this.watchdog.expectAnswer(this.#answerMs(t));
  }

  /** @param {Transport} t an upstream batch was answered (a POST answer, or a WebSocket send) */
  answered(t) {
    // A poll transport's answers come in POST answers; a streaming one's on its downstream.
    if (isPoll(t) && !this.session.link().awaitingAck) this.watchdog.answered();
  }

  stop() {
    this.watchdog.stop();
  }

  /**
   * @param {Transport} t
   * @returns {number} how long sent frames may go unanswered on `t`
   */
  #answerMs(t) {
    return answerDeadline(this.plan(t), this.session.link().unackedBytes);
  }
}

/**
 * @param {Transport} t
 * @returns {boolean} whether `t` long-polls (its upstream answers come in POST answers only)
 */
function isPoll(t) {
  return /** @type {TransportClass} */ (t.constructor).attachesOnStart;
}
