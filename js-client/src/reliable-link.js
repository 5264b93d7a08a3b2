/**
 * The session's reliable link over whichever transport is attached: the upstream outbox (every
 * sequenced frame kept until acknowledged, resent on a new transport, one batch in flight at a
 * time) and the downstream inbox (in-order check, acknowledgements within `ackDelayMs` or every
 * `ackBytes`).
 * @module
 */

import {
  FrameType, decodeBatch, encodeFrame, concatBytes, joinBatch, u32Payload, readU32, HEADER_SIZE,
} from './frame.js';
import { RetransmitBuffer, ReceiveWindow, RttEstimator } from './reliable.js';

/**
 * What the link reports to its session.
 * @typedef {object} LinkHost
 * @property {() => number} batchLimit largest batch to send now: the gateway's (HELLO
 *   `maxMessage`), or less until the uplink's rate is known (`UplinkRate` in liveness.js)
 * @property {() => number} maxFrame largest frame payload (HELLO `maxFrame`)
 * @property {(t: import('./transports/base.js').Transport, sequenced: number) => void} sent
 *   a batch went out carrying `sequenced` bytes of sequenced frames
 * @property {(t: import('./transports/base.js').Transport) => void} answered an upstream batch was answered
 * @property {(t: import('./transports/base.js').Transport, e: any) => void} sendFailed
 * @property {(message: string) => void} protocolError the gateway broke the protocol
 * @property {() => number} [ackSlack] bytes the acknowledgements may space out beyond `ackBytes`
 *   (a quarter of the session's window growth, by which the gateway raised its retransmit bound)
 */

export class ReliableLink {
  /**
   * @param {{ackDelayMs?: number, ackBytes?: number}} options
   * @param {LinkHost} host
   */
  constructor(options, host) {
    this.options = options;
    this.host = host;
    this.out = new RetransmitBuffer();
    this.in = new ReceiveWindow();
    /** the round trip channels grow their receive windows by (docs/PROTOCOL.md, "Growing windows") */
    this.rtt = new RttEstimator();
    /** the highest sequence number ever handed to a transport (resends are not timed) */
    this.highestSent = 0;
    /** @type {import('./transports/base.js').Transport|null} the transport frames may flow on */
    this.transport = null;
    this.sending = false;
    this.ackDue = false;
    /**
     * the next batch carries a HEARTBEAT: it proves a new poll transport (a POST answer), and
     * the gateway answers it at once on the downstream (a probe, docs/PROTOCOL.md "Liveness")
     */
    this.probe = false;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.ackTimer = undefined;
  }

  /**
   * Numbers and keeps a frame; it goes out with the next flush.
   * @param {number} type
   * @param {number} channel
   * @param {Uint8Array} payload
   * @param {() => void} [onAck]
   */
  enqueue(type, channel, payload, onAck) {
    this.out.push(type, channel, payload, onAck);
    queueMicrotask(() => this.flush());
  }

  /**
   * Frames may flow on `t`: everything unacknowledged goes out again.
   * @param {import('./transports/base.js').Transport} t
   * @param {boolean} probe send a HEARTBEAT with the first batch, so `t` proves itself even with nothing else to send
   */
  attach(t, probe) {
    this.transport = t;
    this.probe = probe;
    this.sending = false;
    this.out.rewind();
    this.rtt.resent();
    queueMicrotask(() => this.flush());
  }

  /** Probes the downstream: a HEARTBEAT goes out with the next batch (now, if nothing is in flight). */
  sendProbe() {
    this.probe = true;
    this.flush();
  }

  detach() {
    this.transport = null;
    this.sending = false;
  }

  stop() {
    this.detach();
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  /** @returns {number} the ack to carry in a downstream request (recorded as sent) */
  takeAck() {
    return this.in.takeAck();
  }

  /**
   * A downstream sequenced frame: deliver it, or drop it as a duplicate.
   * @param {import('./frame.js').Frame} frame
   * @returns {boolean} whether to deliver it
   */
  accept(frame) {
    return this.in.accept(frame.seq, HEADER_SIZE + frame.payload.length) === 'deliver';
  }

  /** @param {number} seq a cumulative ACK from the gateway */
  acked(seq) {
    this.out.ack(seq);
    this.rtt.acked(seq, performance.now());
  }

  /** @returns {number} the gateway's cumulative acknowledgement so far */
  get ackedSeq() {
    return this.out.acked;
  }

  /** @returns {number} bytes of sequenced frames the gateway has acknowledged, all told */
  get ackedBytes() {
    return this.out.ackedBytes;
  }

  /** @returns {boolean} sequenced frames went out and were not acknowledged yet */
  get awaitingAck() {
    return this.out.sent > 0;
  }

  /** @returns {number} bytes of sequenced frames sent and not acknowledged */
  get unackedBytes() {
    let n = 0;
    for (let i = 0; i < this.out.sent; i++) n += this.out.entries[i].bytes.length;
    return n;
  }

  /**
   * Received frames were delivered: acknowledge them soon. A standalone ACK is one WebSocket
   * message (or POST) of its own, in the browser as costly as a 64 KiB one, so while windows
   * are grown it goes out every `ackBytes` plus a quarter of the growth (docs/PROTOCOL.md,
   * "Reliable delivery"); ACKs also ride on every upstream batch that goes out anyway.
   */
  scheduleAck() {
    if (!this.in.needsAck()) return;
    if (this.in.unackedBytes >= (this.options.ackBytes ?? 32768) + (this.host.ackSlack?.() ?? 0)) {
      this.ackDue = true;
      this.flush();
      return;
    }
    if (this.ackTimer !== undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.ackDue = true;
      this.flush();
    }, this.options.ackDelayMs ?? 200);
  }

  /** Sends the next batch if the transport is free. */
  flush() {
    const t = this.transport;
    if (!t || this.sending) return;
    /** @type {Uint8Array[]} small unsequenced frames that lead the batch */
    const parts = [];
    let budget = Math.min(t.maxBatch, this.host.batchLimit());
    if (this.in.needsAck() && (this.ackDue || this.out.hasUnsent())) {
      parts.push(encodeFrame(FrameType.ACK, 0, 0, u32Payload(this.in.takeAck())));
      budget -= HEADER_SIZE + 4;
      this.ackDue = false;
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    if (this.probe) {
      parts.push(encodeFrame(FrameType.HEARTBEAT, 0, 0));
      budget -= HEADER_SIZE;
      this.probe = false;
    }
    const sequenced = this.out.takeUnsent(budget);
    if (sequenced.length > 0) this.#timeNewest();
    if (parts.length === 0 && sequenced.length === 0) return;
    this.sending = true;
    let sent;
    try {
      sent = t.send(joinBatch(parts, sequenced));
    } catch (e) {
      sent = Promise.reject(e);
    }
    this.host.sent(t, sequenced.reduce((n, b) => n + b.length, 0));
    sent.then((answer) => {
      if (t !== this.transport) return;
      this.sending = false;
      if (answer && answer.length > 0) this.#answer(answer);
      if (t !== this.transport) return;
      this.host.answered(t);
      this.flush();
    }, (e) => {
      if (t !== this.transport) return;
      this.sending = false;
      this.host.sendFailed(t, e);
    });
  }

  /**
   * Every frame not yet acknowledged plus `last`, numbered after them, as one batch of at most
   * `maxBytes` (the oldest frames that do not fit are left out). For a request that must leave
   * at once, whatever is in flight (the page is going away).
   * @param {number} type
   * @param {Uint8Array} payload
   * @param {number} maxBytes
   * @returns {Uint8Array}
   */
  finalBatch(type, payload, maxBytes) {
    this.out.push(type, 0, payload);
    const entries = this.out.entries;
    const parts = [];
    let size = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const bytes = entries[i].bytes;
      if (parts.length > 0 && size + bytes.length > maxBytes) break;
      parts.unshift(bytes);
      size += bytes.length;
    }
    return concatBytes(parts);
  }

  #timeNewest() {
    const newest = this.out.entries[this.out.sent - 1]?.seq ?? 0;
    if (newest > this.highestSent) {
      this.highestSent = newest;
      this.rtt.sent(newest, performance.now());
    }
  }

  /**
   * The answer to an upstream POST: ACK frames for what the gateway received.
   * @param {Uint8Array} bytes
   */
  #answer(bytes) {
    try {
      for (const f of decodeBatch(bytes, { maxFrame: this.host.maxFrame() })) {
        if (f.type === FrameType.ACK) this.acked(readU32(f.payload));
      }
    } catch (e) {
      this.host.protocolError(`client: POST answer: ${/** @type {Error} */ (e).message}`);
    }
  }
}

