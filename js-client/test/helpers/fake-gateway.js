/**
 * An in-memory gateway that speaks the gateway side of docs/PROTOCOL.md, for unit tests of the
 * session without a network: sequence numbers, ACKs, retransmission on reattach, credit windows
 * both ways, and an echo "backend". Fault switches lose batches in either direction and cut
 * the transport, like a flaky network would.
 */

import {
  FrameType, decodeBatch, encodeFrame, concatBytes, u32Payload, readU32, jsonPayload,
  readJsonPayload, closePayload, readClosePayload,
} from '../../src/frame.js';
import { Transport } from '../../src/transports/base.js';

export class FakeGateway {
  /** @param {{window?: number, openWindow?: number, backends?: Record<string, string>, heartbeatMs?: number, timeoutMs?: number, answersProbes?: boolean}} [options] */
  constructor(options = {}) {
    this.window = options.window ?? 65536;
    this.openWindow = options.openWindow ?? this.window;
    /** target -> behaviour: 'echo' | 'deny' | 'refuse' | 'sink' | 'hold' */
    this.backends = options.backends ?? { echo: 'echo' };
    this.sessionId = 'fake-session-1';
    this.created = false;
    this.lastReceived = 0;
    this.nextSeq = 1;
    /** @type {Array<{seq: number, bytes: Uint8Array}>} */
    this.unacked = [];
    /** @type {FakeTransportBase|null} */
    this.transport = null;
    this.channels = new Map();
    this.errors = [];
    this.duplicates = 0;
    this.attaches = 0;
    this.downBatches = 0;
    this.upBatches = 0;
    /** lose the downstream batch number N (1-based, counted over the whole run) and cut */
    this.cutDownAt = new Set();
    /** lose the upstream batch number N and cut */
    this.cutUpAt = new Set();
    /** process upstream batch number N but fail its response, so the client sends it again */
    this.loseResponseAt = new Set();
    /** answer an attach with this HTTP status instead of attaching (once per entry) */
    this.refuseAttaches = [];
    /** resend every unacknowledged frame on attach, ignoring the client's ack= */
    this.resendAll = false;
    this.announcedAck = 0;
    this.heartbeatMs = options.heartbeatMs ?? 25000;
    this.timeoutMs = options.timeoutMs ?? 30000;
    /** a silent partition: nothing arrives either way, nothing fails either */
    this.partitioned = false;
    /** transports started (attach attempts), partitioned or not */
    this.starts = 0;
    /** HELLO says `probe: true` and a HEARTBEAT from the client is answered at once (false: an older gateway) */
    this.answersProbes = options.answersProbes ?? true;
    /** HEARTBEATs received from the client */
    this.heartbeats = 0;
    /** @type {FakeTransportBase|null} a transport whose downstream is blackholed (its upstream still works) */
    this.deadDownstream = null;
  }

  /** The current transport's downstream drops everything silently from now on; its upstream works on. */
  blackholeDownstream() {
    this.deadDownstream = this.transport;
  }

  /** From now on every packet is dropped silently (no RST, no FIN), as a broken network does. */
  partition() {
    this.partitioned = true;
  }

  heal() {
    this.partitioned = false;
  }

  hello() {
    return {
      // resendAll models a gateway whose HELLO lags behind: it only reports what it had acked.
      v: 1, session: this.sessionId, ack: this.resendAll ? this.announcedAck : this.lastReceived, heartbeatMs: this.heartbeatMs, timeoutMs: this.timeoutMs,
      maxFrame: 65536, window: this.window, ...(this.answersProbes ? { probe: true } : {}),
    };
  }

  /** @param {FakeTransportBase} t */
  attach(t) {
    const refusal = this.refuseAttaches.shift();
    if (refusal !== undefined) {
      setTimeout(() => t.down({ reason: `fake refusal ${refusal}`, status: refusal || undefined }), 0);
      return;
    }
    if (!t.ctx.sessionId) {
      if (this.created) this.errors.push('a second session was created');
      this.created = true;
    } else if (t.ctx.sessionId !== this.sessionId) {
      setTimeout(() => t.down({ reason: 'unknown session', status: 404 }), 0);
      return;
    }
    const ack = t.ctx.takeAck();
    // With resendAll the gateway ignores the attach's ack, so the client must drop duplicates.
    if (!this.resendAll) this.ackUpTo(ack);
    if (this.transport && this.transport !== t) this.transport.down({ reason: 'replaced', wsCode: 4014 });
    this.transport = t;
    this.attaches++;
    const frames = [encodeFrame(FrameType.HELLO, 0, 0, jsonPayload(this.hello()))];
    for (const e of this.unacked) frames.push(e.bytes);
    this.deliver(concatBytes(frames));
  }

  /** @param {number} ack */
  ackUpTo(ack) {
    while (this.unacked.length && this.unacked[0].seq <= ack) this.unacked.shift();
  }

  /**
   * Queues a sequenced frame for the client and sends it now if a transport is attached.
   * @param {number} type
   * @param {number} channel
   * @param {Uint8Array} payload
   */
  emit(type, channel, payload) {
    const seq = this.nextSeq++;
    const bytes = encodeFrame(type, channel, seq, payload);
    this.unacked.push({ seq, bytes });
    this.deliver(bytes);
  }

  /** Until {@link uncork}, downstream frames are collected into one batch (as a real gateway batches). */
  cork() {
    this.corked = [];
  }

  uncork() {
    const frames = this.corked;
    this.corked = null;
    if (frames && frames.length > 0) this.deliver(concatBytes(frames));
  }

  /** @param {Uint8Array} batch */
  deliver(batch) {
    if (this.corked) { this.corked.push(batch); return; }
    const t = this.transport;
    if (!t || this.partitioned || t === this.deadDownstream) return; // lost; unacknowledged frames go out again on the next attach
    const n = ++this.downBatches;
    if (this.cutDownAt.has(n)) {
      this.transport = null;
      setTimeout(() => t.down({ reason: `fake cut at downstream batch ${n}` }), 0);
      return;
    }
    setTimeout(() => t.deliver(batch), 0);
  }

  /**
   * An upstream batch from the client.
   * @param {FakeTransportBase} t
   * @param {Uint8Array} batch
   * @returns {boolean} false if the batch was lost
   */
  receive(t, batch) {
    const n = ++this.upBatches;
    if (this.cutUpAt.has(n)) {
      if (this.transport === t) this.transport = null;
      return false;
    }
    let frames;
    try {
      frames = decodeBatch(batch, { from: 'client' });
    } catch (e) {
      this.errors.push(`bad batch: ${e.message}`);
      return true;
    }
    for (const f of frames) this.onFrame(f);
    if (this.loseResponseAt.has(n)) {
      if (this.transport === t) this.transport = null;
      return false;
    }
    return true;
  }

  onFrame(f) {
    if (f.type === FrameType.ACK) { this.ackUpTo(readU32(f.payload)); return; }
    if (f.type === FrameType.HEARTBEAT) {
      this.heartbeats++;
      if (this.answersProbes) this.deliver(encodeFrame(FrameType.HEARTBEAT, 0, 0));
      return;
    }
    if (f.seq <= this.lastReceived) { this.duplicates++; return; }
    if (f.seq !== this.lastReceived + 1) { this.errors.push(`gap: expected ${this.lastReceived + 1}, got ${f.seq}`); return; }
    this.lastReceived = f.seq;
    const ch = this.channels.get(f.channel);
    switch (f.type) {
      case FrameType.OPEN: this.onOpen(f.channel, readJsonPayload(f.payload, 'OPEN')); break;
      case FrameType.DATA: if (ch) this.onData(ch, f.payload); break;
      case FrameType.CREDIT: if (ch) { ch.downCredit += readU32(f.payload); this.pumpDown(ch); } break;
      case FrameType.CLOSE: if (ch) { ch.closed = true; ch.clientClose = readClosePayload(f.payload); } break;
      case FrameType.SESSION_CLOSE: this.sessionClosed = readClosePayload(f.payload); break;
      default: this.errors.push(`unexpected frame type ${f.type}`);
    }
    this.ackSoon();
  }

  ackSoon() {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      if (!this.transport) return;
      this.announcedAck = this.lastReceived;
      this.deliver(encodeFrame(FrameType.ACK, 0, 0, u32Payload(this.lastReceived)));
    }, 0);
  }

  onOpen(id, body) {
    if (id % 2 !== 1 || this.channels.has(id)) { this.errors.push(`bad channel id ${id}`); return; }
    const behaviour = this.backends[body.target] ?? 'deny';
    const ch = { id, target: body.target, behaviour, received: [], receivedBytes: 0, upSent: 0,
      upAllowed: this.window, downCredit: this.window, downPending: [], closed: false };
    this.channels.set(id, ch);
    if (behaviour === 'deny') { this.emit(FrameType.CLOSE, id, closePayload(4004, `target ${body.target} is not in the policy`)); return; }
    if (behaviour === 'refuse') { this.emit(FrameType.CLOSE, id, closePayload(4001, 'connection refused')); return; }
    ch.upAllowed = this.openWindow;
    this.emit(FrameType.OPENED, id, jsonPayload({ remoteAddress: '192.0.2.7', remotePort: 7, window: this.openWindow }));
  }

  onData(ch, payload) {
    ch.upSent += payload.length;
    if (ch.upSent > ch.upAllowed) this.errors.push(`channel ${ch.id} overran its upstream credit`);
    ch.received.push(payload.slice());
    ch.receivedBytes += payload.length;
    if (ch.behaviour === 'sink') return; // the backend never reads: no credit back
    this.grantUp(ch, payload.length);
    if (ch.behaviour === 'echo') { ch.downPending.push(payload.slice()); this.pumpDown(ch); }
  }

  grantUp(ch, n) {
    ch.upAllowed += n;
    this.emit(FrameType.CREDIT, ch.id, u32Payload(n));
  }

  /** Backend -> client for a channel, within the downstream credit. */
  pushBackend(id, bytes) {
    const ch = this.channels.get(id);
    ch.downPending.push(bytes);
    this.pumpDown(ch);
  }

  pumpDown(ch) {
    while (ch.downPending.length && ch.downCredit > 0) {
      let piece = ch.downPending[0];
      if (piece.length > ch.downCredit) {
        ch.downPending[0] = piece.subarray(ch.downCredit);
        piece = piece.subarray(0, ch.downCredit);
      } else {
        ch.downPending.shift();
      }
      ch.downCredit -= piece.length;
      this.emit(FrameType.DATA, ch.id, piece);
    }
  }

  /** The backend closes (EOF) after its pending data. */
  backendClose(id, code = 4000, reason = '') {
    this.emit(FrameType.CLOSE, id, closePayload(code, reason));
  }

  /** Cuts the current transport without losing anything in flight. */
  cut() {
    const t = this.transport;
    this.transport = null;
    if (t) setTimeout(() => t.down({ reason: 'fake network cut' }), 0);
  }

  /**
   * A transport class bound to this gateway.
   * @param {{name?: string, createsSession?: boolean, available?: boolean}} [options]
   */
  transportClass(options = {}) {
    const gateway = this;
    return class FakeTransport extends FakeTransportBase {
      static transportName = options.name ?? 'fake';
      static createsSession = options.createsSession ?? true;
      static isAvailable() { return options.available ?? true; }
      get gateway() { return gateway; }
    };
  }
}

class FakeTransportBase extends Transport {
  start() {
    this.gateway.starts++;
    if (this.gateway.partitioned) return; // the request never arrives, and nothing says so
    setTimeout(() => { if (!this.closed) this.gateway.attach(this); }, 0);
  }

  /** @param {Uint8Array} batch */
  send(batch) {
    const gw = this.gateway;
    if (gw.transport !== this) return Promise.reject(new Error('fake: not attached'));
    const copy = batch.slice();
    if (gw.partitioned) return new Promise(() => {}); // neither an answer nor an error, ever
    return new Promise((resolve, reject) => setTimeout(() => {
      if (this.closed) { reject(new Error('fake: closed')); return; }
      if (gw.receive(this, copy)) resolve(); else reject(new Error('fake: upstream batch lost'));
    }, 0));
  }

  stop() {
    if (this.gateway.transport === this) this.gateway.transport = null;
  }

  /** @returns {FakeGateway} */
  get gateway() { throw new Error('abstract'); }
}
