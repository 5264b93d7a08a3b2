/**
 * When the session gives up on a transport, and how it comes back: the deadlines derived from
 * HELLO's `heartbeatMs` and `timeoutMs` (docs/PROTOCOL.md "Liveness"), and the timers that
 * enforce them. A silent network partition sends no RST and no FIN, so only these deadlines
 * reveal it; they are set so that a session survives any partition shorter than
 * `timeoutMs - PARTITION_MARGIN_MS` and flows again within a few seconds of the network healing.
 * @module
 */

import { Deadline } from './deadline.js';

/**
 * What a reattach may take at most after a partition heals: one reattach interval plus one
 * reattach attempt (both below), with room to spare. The gateway keeps a session without a
 * transport for `timeoutMs`, so partitions up to `timeoutMs` minus this survive.
 */
export const PARTITION_MARGIN_MS = 5000;

/**
 * @typedef {object} LivenessOptions
 * @property {number} [deadAfterMs] a transport silent this long is replaced (default: see {@link livenessPlan})
 * @property {number} [ackTimeoutMs] frames sent and nothing heard this long: the transport is replaced (default 5000, plus 1 ms per 32 bytes outstanding)
 * @property {number} [reattachTimeoutMs] one attempt to reattach a session that had a transport (default 2000,
 *   or three times what the last successful attach took, if more)
 * @property {number} [reattachMaxDelayMs] the longest pause between reattach attempts (default 500)
 * @property {number} [connectTimeoutMs] one attempt before any transport ever worked (default 10000)
 */

/**
 * @typedef {object} LivenessPlan
 * @property {number} deadAfterMs silence (not a byte received) after which a transport is dead
 * @property {number} ackTimeoutMs base for "sent frames, heard nothing"
 * @property {number} pollTimeoutMs how long one long poll may take
 * @property {number} reattachTimeoutMs
 * @property {number} reattachMaxDelayMs
 * @property {number} giveUpAfterMs nothing heard this long: the gateway has dropped the session
 */

/**
 * The deadlines for a session with this HELLO.
 *
 * The gateway sends something at least every 1.1 `heartbeatMs` on an attached stream or
 * WebSocket, and answers a long poll within its poll timeout (at most `heartbeatMs`), so
 * silence beyond that means a dead transport; the detection is due early enough that a
 * reattach still finds the session (`timeoutMs - PARTITION_MARGIN_MS`), but never before that
 * bound plus 1 s, which would tear down healthy idle transports.
 * @param {{heartbeatMs: number, timeoutMs: number}|null} hello
 * @param {LivenessOptions} [options]
 * @param {{deadAfterMs?: number, ackTimeoutMs?: number, attachesOnStart?: boolean}} [transport] the
 *   transport class: its own deadlines, and whether it long-polls
 * @returns {LivenessPlan}
 */
export function livenessPlan(hello, options = {}, transport = {}) {
  const heartbeat = hello?.heartbeatMs ?? 25000;
  const timeout = hello?.timeoutMs ?? 30000;
  // The gateway promises something on an idle stream at least once a heartbeat (it checks every
  // tenth of one); the floor keeps a 10% margin on top for timer slack and older gateways.
  // A long poll is answered on its own timer.
  const floor = transport.attachesOnStart ? heartbeat + 1000 : Math.ceil(heartbeat * 11 / 10) + 1000;
  const deadAfterMs = options.deadAfterMs
    ?? Math.max(floor, Math.min(heartbeat + 5000, timeout - PARTITION_MARGIN_MS));
  return {
    // A transport may know that it dies more quietly than the others (htmlfile).
    deadAfterMs: Math.min(deadAfterMs, transport.deadAfterMs ?? Infinity),
    ackTimeoutMs: options.ackTimeoutMs ?? transport.ackTimeoutMs ?? 5000,
    pollTimeoutMs: deadAfterMs,
    reattachTimeoutMs: options.reattachTimeoutMs ?? 2000,
    reattachMaxDelayMs: options.reattachMaxDelayMs ?? 500,
    giveUpAfterMs: timeout + PARTITION_MARGIN_MS,
  };
}

/**
 * How long sent frames may go unanswered: over a slow uplink a large batch takes a while to
 * arrive, so 1 ms per 32 bytes outstanding is added to the plan's deadline.
 * @param {LivenessPlan} plan
 * @param {number} unackedBytes
 * @returns {number}
 */
export function answerDeadline(plan, unackedBytes) {
  return plan.ackTimeoutMs + Math.ceil(unackedBytes / 32);
}

/**
 * The timers that watch one transport at a time: the attempt deadline (prove yourself in time),
 * the silence deadline, and the answer deadline (frames went out, something must come back).
 * Each fires `onDead(transport, reason)` once for the transport it was armed for.
 */
export class Watchdog {
  /** @param {(t: any, reason: string) => void} onDead */
  constructor(onDead) {
    this.onDead = onDead;
    /** @type {any} */
    this.transport = null;
    /** the reason each deadline gives when it passes */
    this.reasons = { attempt: '', silence: '', answer: '' };
    /** @type {Record<'attempt'|'silence'|'answer', Deadline>} */
    this.deadlines = {
      attempt: this.#deadline('attempt'),
      silence: this.#deadline('silence'),
      answer: this.#deadline('answer'),
    };
  }

  /**
   * Starts watching `t`: it must prove itself within `attemptMs`.
   * @param {any} t
   * @param {number} attemptMs
   * @param {number} silenceMs
   */
  watch(t, attemptMs, silenceMs) {
    this.stop();
    this.transport = t;
    this.#arm('attempt', attemptMs, `no answer within ${attemptMs} ms`);
    this.heard(silenceMs);
  }

  /** The transport proved itself. */
  proven() {
    this.deadlines.attempt.cancel();
  }

  /**
   * Bytes arrived: the silence deadline starts again, and any answer we waited for came.
   * @param {number} silenceMs
   */
  heard(silenceMs) {
    this.#arm('silence', silenceMs, `nothing received for ${silenceMs} ms`);
    this.deadlines.answer.clear();
  }

  /**
   * Frames went out that the gateway answers at once (an ACK): expect one within `ms`.
   * @param {number} ms
   */
  expectAnswer(ms) {
    if (!this.deadlines.answer.armed) this.#arm('answer', ms, `sent frames got no answer for ${ms} ms`);
  }

  /** Nothing is outstanding any more. */
  answered() {
    this.deadlines.answer.clear();
  }

  stop() {
    for (const d of Object.values(this.deadlines)) d.cancel();
    this.transport = null;
  }

  /**
   * @param {'attempt'|'silence'|'answer'} which
   * @param {number} ms
   * @param {string} reason
   */
  #arm(which, ms, reason) {
    this.reasons[which] = reason;
    this.deadlines[which].set(ms);
  }

  /**
   * @param {'attempt'|'silence'|'answer'} which
   * @returns {Deadline} that condemns the transport watched when it passes
   */
  #deadline(which) {
    return new Deadline(() => {
      const t = this.transport;
      if (t) this.onDead(t, this.reasons[which]);
    });
  }
}
