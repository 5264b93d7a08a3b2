/**
 * Reliable delivery (docs/PROTOCOL.md "Reliable delivery"): the upstream retransmit buffer and
 * the downstream in-order check. Pure bookkeeping, no I/O, so the reconnect logic is testable
 * without a network.
 * @module
 */

import { encodeFrameWithRoom, FRAME_ROOM } from './frame.js';

/**
 * @typedef {object} Outgoing
 * @property {number} seq
 * @property {Uint8Array} bytes the encoded frame
 * @property {(() => void) | undefined} onAck called once the gateway acknowledged it
 */

/**
 * Sequenced frames the gateway has not acknowledged yet, in sequence order. `sent` counts the
 * leading entries already handed to the current transport; a new transport rewinds it to 0 so
 * everything unacknowledged goes out again (the gateway drops what it had already seen).
 */
export class RetransmitBuffer {
  constructor() {
    /** @type {Outgoing[]} */
    this.entries = [];
    this.nextSeq = 1;
    this.sent = 0;
    this.acked = 0;
    this.bytes = 0;
    /** bytes of frames acknowledged so far, all told (the uplink's rate is read from it) */
    this.ackedBytes = 0;
  }

  /**
   * Assigns the next sequence number and keeps the encoded frame until acknowledged.
   * @param {number} type
   * @param {number} channel
   * @param {Uint8Array} payload
   * @param {() => void} [onAck]
   * @returns {number} the sequence number
   */
  push(type, channel, payload, onAck) {
    const seq = this.nextSeq++;
    // Room in front: the batch that sends it may put an ACK there instead of copying it (joinBatch).
    const bytes = encodeFrameWithRoom(type, channel, seq, payload, FRAME_ROOM);
    this.entries.push({ seq, bytes, onAck });
    this.bytes += bytes.length;
    return seq;
  }

  /**
   * Drops everything up to and including `seq` (a cumulative acknowledgement).
   * @param {number} seq
   * @throws {RangeError} when the gateway acknowledges a frame never sent
   */
  ack(seq) {
    if (seq >= this.nextSeq) {
      throw new RangeError(`ack ${seq} is beyond the last sequence number sent (${this.nextSeq - 1})`);
    }
    if (seq <= this.acked) return;
    this.acked = seq;
    let n = 0;
    while (n < this.entries.length && this.entries[n].seq <= seq) n++;
    const done = this.entries.splice(0, n);
    this.sent = Math.max(0, this.sent - n);
    for (const e of done) {
      this.bytes -= e.bytes.length;
      this.ackedBytes += e.bytes.length;
      if (e.onAck) e.onAck();
    }
  }

  /** A new transport attached: everything unacknowledged must be sent again. */
  rewind() {
    this.sent = 0;
  }

  /** @returns {boolean} whether frames are waiting to be handed to the transport */
  hasUnsent() {
    return this.sent < this.entries.length;
  }

  /**
   * Takes the next unsent frames, at most `maxBytes` in total (but always at least one frame,
   * so a frame larger than the budget still goes out alone).
   * @param {number} maxBytes
   * @returns {Uint8Array[]}
   */
  takeUnsent(maxBytes) {
    const out = [];
    let size = 0;
    while (this.sent < this.entries.length) {
      const next = this.entries[this.sent].bytes;
      if (out.length > 0 && size + next.length > maxBytes) break;
      out.push(next);
      size += next.length;
      this.sent++;
    }
    return out;
  }
}

/** The downstream side: which sequence number comes next, and what must be acknowledged. */
export class ReceiveWindow {
  constructor() {
    this.lastReceived = 0;
    /** the highest number the gateway has been told about (ACK frame or `ack=` parameter) */
    this.ackSent = 0;
    /** bytes of sequenced frames delivered since the last acknowledgement went out */
    this.unackedBytes = 0;
    /** a duplicate arrived: the gateway evidently missed our ack, so send it again */
    this.reAck = false;
    /** duplicates dropped so far (diagnostics) */
    this.duplicates = 0;
  }

  /**
   * @param {number} seq
   * @param {number} size frame size, for the "ack every 32 KiB" rule
   * @returns {'deliver'|'duplicate'}
   * @throws {RangeError} on a gap, which a correct gateway never produces
   */
  accept(seq, size) {
    if (seq <= this.lastReceived) {
      this.reAck = true;
      this.duplicates++;
      return 'duplicate';
    }
    if (seq !== this.lastReceived + 1) {
      throw new RangeError(`sequence gap: expected ${this.lastReceived + 1}, got ${seq}`);
    }
    this.lastReceived = seq;
    this.unackedBytes += size;
    return 'deliver';
  }

  /** @returns {boolean} */
  needsAck() {
    return this.lastReceived > this.ackSent || this.reAck;
  }

  /**
   * Records that the current `lastReceived` is being told to the gateway.
   * @returns {number} the value to send
   */
  takeAck() {
    this.ackSent = this.lastReceived;
    this.unackedBytes = 0;
    this.reAck = false;
    return this.lastReceived;
  }
}

/**
 * The session's smoothed round trip, from its own sequenced frames: one frame at a time is
 * timed from when it is sent until a cumulative ACK covers it, smoothed as TCP does (7/8 old,
 * 1/8 new). The gateway's acknowledgement delay (at most 20 ms) is inside the sample.
 */
export class RttEstimator {
  constructor() {
    this.probeSeq = 0;
    this.probeSent = 0;
    /** milliseconds, 0 while no sample came in */
    this.smoothed = 0;
  }

  /**
   * @param {number} seq a sequenced frame going out now
   * @param {number} now milliseconds
   */
  sent(seq, now) {
    if (this.probeSeq === 0) {
      this.probeSeq = seq;
      this.probeSent = now;
    }
  }

  /**
   * @param {number} ack cumulative
   * @param {number} now milliseconds
   */
  acked(ack, now) {
    if (this.probeSeq === 0 || ack < this.probeSeq) return;
    const sample = Math.max(0.001, now - this.probeSent);
    this.smoothed = this.smoothed === 0 ? sample : this.smoothed * 7 / 8 + sample / 8;
    this.probeSeq = 0;
  }

  /** A resend spoils the sample under way (which copy was acknowledged?). */
  resent() {
    this.probeSeq = 0;
  }
}
