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
 * @property {number} [ackTimeoutMs] frames sent and the gateway's ACK not advancing this long: the transport is replaced (default 5000, plus 1 ms per 32 bytes outstanding, at most a batch and 32 KiB of them; once ACKs were seen, the link's answer time scales the base down, see {@link AnswerTime})
 * @property {number} [reattachTimeoutMs] one attempt to reattach a session that had a transport (default 2000,
 *   or three times what the last successful attach took, if more)
 * @property {number} [reattachMaxDelayMs] the longest pause between reattach attempts (default 500)
 * @property {number} [connectTimeoutMs] one attempt before any transport ever worked (default 10000)
 * @property {number} [probeAfterMs] the downstream quiet this long while the session waits for it: a probe goes out (default 1000)
 * @property {number} [probeTimeoutMs] a probe unanswered on the downstream this long (plus 1 ms per 32 bytes outstanding):
 *   the transport is replaced (default 2500, htmlfile 2000)
 */

/**
 * @typedef {object} LivenessPlan
 * @property {number} deadAfterMs silence (not a byte received) after which a transport is dead
 * @property {number} ackTimeoutMs base for "sent frames, heard nothing"
 * @property {number} pollTimeoutMs how long one long poll may take
 * @property {number} reattachTimeoutMs
 * @property {number} reattachMaxDelayMs
 * @property {number} giveUpAfterMs nothing heard this long: the gateway has dropped the session
 * @property {number} probeAfterMs quiet downstream while waiting for it: probe
 * @property {number} probeTimeoutMs base for "probed, heard nothing"
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
    // A probe is one 13-byte frame each way and goes out only while the session waits, so the
    // quiet before it is short; the gateway answers at once, so the answer is due within a
    // round trip plus load (htmlfile's own answer deadline, 2 s, is shorter still).
    probeAfterMs: options.probeAfterMs ?? 1000,
    probeTimeoutMs: options.probeTimeoutMs ?? Math.min(2500, transport.ackTimeoutMs ?? 2500),
  };
}

/**
 * The shortest answer deadline however fast the link, TCP's minimum retransmission timeout
 * (RFC 6298): at 500 ms the Java test client, which keeps the same rule, replaced healthy
 * transports at load 27 on 2 cores.
 */
export const ANSWER_FLOOR_MS = 1000;

/**
 * How long this session's transports take to answer, smoothed as TCP smooths its round-trip
 * time (RFC 6298: the estimate moves an eighth of the way to each sample, its variation a
 * quarter). A sample is the time from when an answer became due (sequenced frames sent, or the
 * last advance of the gateway's ACK while more were owed) to the ACK's next advance. The
 * gateway acknowledges at once (within 20 ms), so a fast link needs no fixed 5 s to be judged:
 * the answer deadline becomes the estimate plus four variations, never under
 * {@link ANSWER_FLOOR_MS} and never over the plan's own value, which stands until a sample came.
 * The probe deadline is not scaled: a probe's answer takes another path (on a long poll, a POST
 * and then the held poll's answer). The Java test client does the same (`AnswerTime`).
 */
export class AnswerTime {
  constructor() {
    /** smoothed answer time in ms, -1 before the first sample */
    this.smoothed = -1;
    this.variation = 0;
  }

  /** @param {number} ms */
  sample(ms) {
    if (this.smoothed < 0) {
      this.smoothed = ms;
      this.variation = ms / 2;
      return;
    }
    this.variation += (Math.abs(this.smoothed - ms) - this.variation) / 4;
    this.smoothed += (ms - this.smoothed) / 8;
  }

  /**
   * @param {number} planMs the plan's deadline (`ackTimeoutMs`)
   * @returns {number} the base of a deadline: the estimate plus four variations, within [floor, `planMs`]
   */
  deadline(planMs) {
    if (this.smoothed < 0) return planMs;
    return Math.min(planMs, Math.max(ANSWER_FLOOR_MS, Math.ceil(this.smoothed + 4 * this.variation)));
  }
}

/**
 * How fast the gateway has acknowledged this session's upstream lately, so the answer and probe
 * deadlines allow the backlog the time this link needs, not the time the slowest would (a
 * 256 kbit/s uplink: 1 ms per 32 bytes, which kept a blackholed transport about 5 s even on a
 * fast link). The best one-second rate counts, with a 4x margin, never slower than that floor, so
 * no deadline is longer than before. A rate that is not matched again falls a fifth per second
 * sampled; seconds with nothing acknowledged say nothing (the link may be dead, not slower) and
 * are skipped; each death of a transport that had proven itself lowers the rate a fifth, so
 * repeated false deaths end at the floor. Until a second with acknowledgements has been sampled
 * the rate is unknown, and batches stay small ({@link SLOW_START_BATCH_BYTES}) so that the
 * floor's allowance for them is short. The Java test client does the same (`UplinkRate`).
 */
export class UplinkRate {
  constructor() {
    /** bytes per ms, the best recent one-second rate */
    this.bytesPerMs = UPLINK_FLOOR_BYTES_PER_MS;
    /** a second with acknowledgements was sampled */
    this.known = false;
    this.sampleStart = -1;
    this.ackedAtStart = 0;
  }

  /**
   * The running total of acknowledged upstream bytes at `nowMs`. Called whenever the gateway's
   * ACK advances (and may be called more often): a window of one to two seconds with something
   * acknowledged is a sample; a longer one held seconds with nothing acknowledged and is skipped.
   * @param {number} ackedTotal
   * @param {number} nowMs
   */
  observe(ackedTotal, nowMs) {
    if (this.sampleStart < 0) {
      this.sampleStart = nowMs;
      this.ackedAtStart = ackedTotal;
      return;
    }
    const elapsed = nowMs - this.sampleStart;
    if (elapsed < UPLINK_SAMPLE_MS) return;
    const acked = ackedTotal - this.ackedAtStart;
    if (acked > 0 && elapsed <= 2 * UPLINK_SAMPLE_MS) {
      this.known = true;
      this.bytesPerMs = Math.max(UPLINK_FLOOR_BYTES_PER_MS, acked / elapsed, this.bytesPerMs * UPLINK_DECAY);
    }
    this.sampleStart = nowMs;
    this.ackedAtStart = ackedTotal;
  }

  /** A transport that had proven itself was declared dead: had the link merely slowed, allow more next time. */
  transportDied() {
    this.bytesPerMs = Math.max(UPLINK_FLOOR_BYTES_PER_MS, this.bytesPerMs * UPLINK_DECAY);
  }

  /**
   * @param {number} bytes
   * @returns {number} the ms `bytes` may take over this link: a quarter of its recent rate, at least 32 bytes per ms
   */
  millisFor(bytes) {
    return Math.ceil(bytes / Math.max(UPLINK_FLOOR_BYTES_PER_MS, this.bytesPerMs / UPLINK_MARGIN));
  }

  /**
   * @param {number} maxMessage the gateway's largest batch
   * @returns {number} the largest batch to send now: {@link SLOW_START_BATCH_BYTES} until the rate is known
   */
  batchLimit(maxMessage) {
    return this.known ? maxMessage : Math.min(maxMessage, SLOW_START_BATCH_BYTES);
  }
}

/** The slowest uplink the deadlines allow for: 1 ms per 32 bytes (256 kbit/s). */
const UPLINK_FLOOR_BYTES_PER_MS = 32;
const UPLINK_MARGIN = 4;
const UPLINK_SAMPLE_MS = 1000;
const UPLINK_DECAY = 0.8;
/** A batch's size until the uplink's rate is known: the floor allows it 1 s. */
export const SLOW_START_BATCH_BYTES = 32768;

/** @param {number} bytes @param {UplinkRate} [uplink] @returns {number} */
function backlogMs(bytes, uplink) {
  return uplink ? uplink.millisFor(bytes) : Math.ceil(bytes / UPLINK_FLOOR_BYTES_PER_MS);
}

/**
 * How long a probe may go unanswered: it queues behind what is outstanding, but the gateway
 * acknowledges at least every 32 KiB it receives and reads a batch (at most `maxMessage`) whole,
 * so something comes down once that much more has arrived: 1 ms per 32 bytes of at most that,
 * not of a whole grown window (1 MiB would be 33 s).
 * @param {LivenessPlan} plan
 * @param {number} unackedBytes
 * @param {number} maxMessage the gateway's largest batch (HELLO `maxMessage`, or the smaller
 *   batch of a slow start: {@link UplinkRate.batchLimit})
 * @param {UplinkRate} [uplink] the link's recent rate: the backlog's allowance scales to it
 * @returns {number}
 */
export function probeDeadline(plan, unackedBytes, maxMessage, uplink) {
  return plan.probeTimeoutMs + backlogMs(Math.min(unackedBytes, maxMessage + 32768), uplink);
}

/**
 * How long sent frames may go unanswered: over a slow uplink a large batch takes a while to
 * arrive, so 1 ms per 32 bytes outstanding is added to the plan's deadline, but only of one
 * batch (at most `maxMessage`) and one ACK interval: the gateway acknowledges every 32 KiB it
 * receives, so its ACK advances once that much more has arrived. A whole grown window (1 MiB:
 * 33 s) left a blackholed transport in place that long.
 * @param {LivenessPlan} plan
 * @param {number} unackedBytes
 * @param {number} maxMessage the gateway's largest batch (HELLO `maxMessage`)
 * @param {AnswerTime} [answers] the link's answer times: the base scales down to them
 * @param {UplinkRate} [uplink] the link's recent rate: the backlog's allowance scales to it
 * @returns {number}
 */
export function answerDeadline(plan, unackedBytes, maxMessage, answers, uplink) {
  const base = answers ? answers.deadline(plan.ackTimeoutMs) : plan.ackTimeoutMs;
  return base + backlogMs(Math.min(unackedBytes, maxMessage + 32768), uplink);
}

/** @typedef {'attempt'|'silence'|'answer'|'probe'} DeadlineName */

/**
 * The timers that watch one transport at a time: the attempt deadline (prove yourself in time),
 * the silence deadline, the answer deadline (frames went out, something must come back), and
 * the probe deadline (the downstream was probed, something must come down). Each fires
 * `onDead(transport, reason)` once for the transport it was armed for. The quiet timer is no
 * deadline: it calls `onQuiet(transport)` when the downstream has said nothing for a while.
 */
export class Watchdog {
  /**
   * @param {(t: any, reason: string) => void} onDead
   * @param {(t: any) => void} [onQuiet]
   */
  constructor(onDead, onQuiet = () => {}) {
    this.onDead = onDead;
    this.onQuiet = onQuiet;
    /** @type {any} */
    this.transport = null;
    /** performance.now() when the answer deadline was last armed */
    this.answerSince = 0;
    /** the reason each deadline gives when it passes */
    this.reasons = { attempt: '', silence: '', answer: '', probe: '' };
    /** @type {Record<DeadlineName, Deadline>} */
    this.deadlines = {
      attempt: this.#deadline('attempt'),
      silence: this.#deadline('silence'),
      answer: this.#deadline('answer'),
      probe: this.#deadline('probe'),
    };
    /** moved on every batch like the silence deadline, so a Deadline too (cheap to push back) */
    this.quietTimer = new Deadline(() => {
      const t = this.transport;
      if (t) this.onQuiet(t);
    });
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
   * Bytes arrived: the silence deadline starts again, and any probe answer we waited for came;
   * with `quietMs`, the quiet timer starts again too. The answer deadline is not cleared here:
   * only an advancing ACK answers sent frames (see TransportWatch).
   * @param {number} silenceMs
   * @param {number} [quietMs]
   */
  heard(silenceMs, quietMs) {
    this.#arm('silence', silenceMs, `nothing received for ${silenceMs} ms`);
    this.deadlines.probe.clear();
    if (quietMs !== undefined) this.quietTimer.set(quietMs);
    else this.quietTimer.clear();
  }

  /**
   * Calls `onQuiet` after `ms` unless something arrives first (or a probe is under way).
   * @param {number} ms
   */
  quiet(ms) {
    if (!this.quietTimer.armed && !this.deadlines.probe.armed) this.quietTimer.set(ms);
  }

  /**
   * The downstream was probed: something must come down within `ms`.
   * @param {number} ms
   */
  probed(ms) {
    if (!this.deadlines.probe.armed) this.#arm('probe', ms, `a probe got no answer for ${ms} ms`);
  }

  /**
   * Frames went out that the gateway answers at once (an ACK): expect one within `ms`.
   * @param {number} ms
   */
  expectAnswer(ms) {
    if (this.deadlines.answer.armed) return;
    this.answerSince = performance.now();
    this.#arm('answer', ms, `sent frames got no answer for ${ms} ms`);
  }

  /** Nothing is outstanding any more. */
  answered() {
    this.deadlines.answer.clear();
  }

  stop() {
    for (const d of Object.values(this.deadlines)) d.cancel();
    this.quietTimer.cancel();
    this.transport = null;
  }

  /**
   * @param {DeadlineName} which
   * @param {number} ms
   * @param {string} reason
   */
  #arm(which, ms, reason) {
    this.reasons[which] = reason;
    this.deadlines[which].set(ms);
  }

  /**
   * @param {DeadlineName} which
   * @returns {Deadline} that condemns the transport watched when it passes
   */
  #deadline(which) {
    return new Deadline(() => {
      const t = this.transport;
      if (t) this.onDead(t, this.reasons[which]);
    });
  }
}
