/**
 * Watches the session's current transport for death: it feeds the {@link Watchdog} with the
 * deadlines of {@link livenessPlan} for that transport's kind, and with what the reliable link
 * reports (bytes heard, frames sent, answers received). Kept apart from the session because
 * the rules differ by transport kind (a long poll's answers come in POST answers, a stream's on
 * its downstream) and the session need not know them.
 *
 * It also probes: a downstream that says nothing while the session waits for it (frames not
 * acknowledged, a writer out of credit, a channel not opened yet), or that stops after frames
 * were flowing, gets a HEARTBEAT the gateway answers at once on the downstream; no answer
 * within the probe deadline and the transport is replaced. Without this, a downstream that died
 * while both sides waited for credit was found only by the silence deadline (28.5 s).
 * @module
 */

import { Watchdog, AnswerTime, UplinkRate, livenessPlan, answerDeadline, probeDeadline } from './liveness.js';

/** @typedef {import('./transports/base.js').Transport} Transport */
/** @typedef {typeof import('./transports/base.js').Transport} TransportClass */

export class TransportWatch {
  /**
   * @param {import('./liveness.js').LivenessOptions} options
   * @param {{hello: () => import('./hello.js').Hello|null,
   *   link: () => import('./reliable-link.js').ReliableLink,
   *   dead: (t: Transport, reason: string) => void,
   *   waiting: () => boolean, probe: () => void}} session `waiting`: a channel waits for the
   *   gateway (credit, OPENED); `probe`: send a HEARTBEAT with the next upstream batch
   */
  constructor(options, session) {
    this.options = options;
    this.session = session;
    this.watchdog = new Watchdog((t, reason) => {
      // Had the link merely slowed down, this death was false: the next deadlines allow more.
      if (t === this.provenTransport) this.uplink.transportDied();
      session.dead(t, reason);
    }, (t) => this.#quiet(t));
    /** how fast the gateway acknowledges the upload: the deadlines' backlog allowance scales to it */
    this.uplink = new UplinkRate();
    /** @type {Transport|null} the transport that last proved itself */
    this.provenTransport = null;
    /** sequenced frames came down since the last probe: a transfer that stops earns one probe */
    this.flowed = false;
    /** how fast this session's transports acknowledge: the answer deadline scales to it */
    this.answers = new AnswerTime();
    /** the gateway's ACK when last looked at */
    this.ackedSeen = 0;
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
    this.provenTransport = this.watchdog.transport;
  }

  /**
   * @param {number} maxMessage the gateway's largest batch
   * @returns {number} the largest upstream batch to send now (smaller until the uplink's rate is known)
   */
  batchLimit(maxMessage) {
    return this.uplink.batchLimit(maxMessage);
  }

  /** @param {Transport} t bytes arrived on it: its silence deadline starts again */
  heard(t) {
    const plan = this.plan(t);
    this.watchdog.heard(plan.deadAfterMs, this.#probes() ? plan.probeAfterMs : undefined);
  }

  /** Sequenced frames were delivered from the downstream. */
  delivered() {
    this.flowed = true;
  }

  /**
   * A batch from `t` was handled. Still waiting for an answer after it (an ACK; for a poll
   * transport, the answer to the POST in flight, which travels apart from the polls): it is
   * due afresh.
   * @param {Transport} t
   */
  batchHandled(t) {
    const link = this.session.link();
    // A streaming downstream that spoke with nothing owed any more (a POST answer acknowledged
    // it) has answered too.
    if (!this.#acknowledged(t) && !isPoll(t) && !link.awaitingAck) this.watchdog.answered();
    if (isPoll(t) ? link.sending : link.awaitingAck) this.watchdog.expectAnswer(this.answerMs(t, link.unackedBytes));
  }

  /**
   * @param {Transport} t
   * @param {number} sequenced bytes of sequenced frames in the batch just sent
   */
  sent(t, sequenced) {
    // The gateway acknowledges sequenced frames at once (on the downstream, or in the POST
    // answer for polls): a transport that stays silent after them is dead.
    if (sequenced > 0 && t === this.watchdog.transport) {
      this.watchdog.expectAnswer(this.answerMs(t, this.session.link().unackedBytes));
      if (this.#probes()) this.watchdog.quiet(this.plan(t).probeAfterMs);
    }
  }

  /** @param {Transport} t an upstream batch was answered (a POST answer, or a WebSocket send) */
  answered(t) {
    // A poll transport's answers come in POST answers; a streaming one's on its downstream.
    if (!isPoll(t)) return;
    this.#acknowledged(t);
    if (!this.session.link().awaitingAck) this.watchdog.answered();
  }

  /**
   * How long `bytes` of sent frames from `t` may go unanswered (the answer deadline, scaled to the
   * link); also one upstream POST's timeout: the gateway answers a POST at once with the ACK for
   * what it carried.
   * On a streaming transport whose ACK for the POST's frames already came down the stream, no
   * other deadline runs while the POST's answer is lost: the upload waited for the request's own
   * timeout (`requestTimeoutMs`, 40 s), and every ACK and CREDIT queued behind it.
   * @param {Transport} t
   * @param {number} bytes
   * @returns {number}
   */
  answerMs(t, bytes) {
    return answerDeadline(this.plan(t), bytes, this.#batchMax(), this.answers, this.uplink);
  }

  stop() {
    this.watchdog.stop();
  }

  /** @returns {boolean} whether the gateway answers probes (HELLO `probe`; older ones do not) */
  #probes() {
    return this.session.hello()?.probe === true;
  }

  /**
   * The downstream of `t` has been quiet for the probe interval: probe it if the session waits.
   * @param {Transport} t
   */
  #quiet(t) {
    const link = this.session.link();
    if (!this.flowed && !link.awaitingAck && !this.session.waiting()) return;
    this.flowed = false;
    this.session.probe();
    this.watchdog.probed(probeDeadline(this.plan(t), link.unackedBytes, this.#batchMax(), this.uplink));
  }

  /**
   * Whether the gateway's ACK advanced since last looked at. Only that answers sent frames:
   * anything else heard does not (a downstream answering probes with HEARTBEATs while the
   * upload's connection is blackholed kept such a transport until the upload's own timeout).
   * An advance is a sample of the link's answer time, and the deadline for what is still owed
   * starts again from it.
   * @param {Transport} t
   * @returns {boolean}
   */
  #acknowledged(t) {
    const link = this.session.link();
    if (link.ackedSeq === this.ackedSeen) return false;
    this.ackedSeen = link.ackedSeq;
    this.uplink.observe(link.ackedBytes, performance.now());
    if (this.watchdog.deadlines.answer.armed && t === this.watchdog.transport) {
      this.answers.sample(performance.now() - this.watchdog.answerSince);
    }
    this.watchdog.answered();
    if (link.awaitingAck) this.watchdog.expectAnswer(this.answerMs(t, link.unackedBytes));
    return true;
  }

  /**
   * @returns {number} the largest batch the backlog allowance counts: the gateway's (HELLO
   * `maxMessage`; 128 KiB before HELLO), or the smaller one sent until the uplink's rate is known
   */
  #batchMax() {
    return this.uplink.batchLimit(this.session.hello()?.maxMessage ?? 131072);
  }
}

/**
 * @param {Transport} t
 * @returns {boolean} whether `t` long-polls (its upstream answers come in POST answers only)
 */
function isPoll(t) {
  return /** @type {TransportClass} */ (t.constructor).attachesOnStart;
}
