/**
 * The frame codec of docs/PROTOCOL.md: a 13-byte header (type, channel, seq, length, all
 * unsigned big-endian) followed by the payload; a batch is frames back to back.
 * @module
 */

/** Frame types. */
export const FrameType = Object.freeze({
  OPEN: 0x01,
  OPENED: 0x02,
  DATA: 0x03,
  CLOSE: 0x04,
  CREDIT: 0x05,
  ACK: 0x06,
  HEARTBEAT: 0x07,
  SESSION_CLOSE: 0x08,
  HELLO: 0x09,
});

export const HEADER_SIZE = 13;
export const DEFAULT_MAX_FRAME = 65536;

const TYPE_NAMES = ['?', 'OPEN', 'OPENED', 'DATA', 'CLOSE', 'CREDIT', 'ACK', 'HEARTBEAT', 'SESSION_CLOSE', 'HELLO'];
const SEQUENCED = new Set([FrameType.OPEN, FrameType.OPENED, FrameType.DATA, FrameType.CLOSE,
  FrameType.CREDIT, FrameType.SESSION_CLOSE]);
/** Types only the gateway may send; a client receiving OPEN is a protocol error and vice versa. */
const FROM_GATEWAY = new Set([FrameType.OPENED, FrameType.DATA, FrameType.CLOSE, FrameType.CREDIT,
  FrameType.ACK, FrameType.HEARTBEAT, FrameType.SESSION_CLOSE, FrameType.HELLO]);
const FROM_CLIENT = new Set([FrameType.OPEN, FrameType.DATA, FrameType.CLOSE, FrameType.CREDIT,
  FrameType.ACK, FrameType.HEARTBEAT, FrameType.SESSION_CLOSE]);

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * @typedef {object} Frame
 * @property {number} type one of {@link FrameType}
 * @property {number} channel channel id, 0 for session-level frames
 * @property {number} seq sequence number, 0 for unsequenced frames
 * @property {Uint8Array} payload
 */

/** A malformed frame or batch; `offset` is where in the batch the problem starts. */
export class FrameError extends Error {
  /**
   * @param {string} message
   * @param {number} offset
   */
  constructor(message, offset) {
    super(`frame at byte ${offset}: ${message}`);
    this.name = 'FrameError';
    this.offset = offset;
  }
}

/**
 * @param {number} type
 * @returns {string}
 */
export function frameTypeName(type) {
  return TYPE_NAMES[type] || `0x${type.toString(16)}`;
}

/**
 * @param {number} type
 * @returns {boolean} whether frames of this type carry a sequence number
 */
export function isSequenced(type) {
  return SEQUENCED.has(type);
}

/**
 * @param {number} type
 * @param {number} channel
 * @param {number} seq
 * @param {Uint8Array} [payload]
 * @returns {Uint8Array}
 */
export function encodeFrame(type, channel, seq, payload = EMPTY) {
  return encodeFrameWithRoom(type, channel, seq, payload, 0);
}

/**
 * Bytes {@link encodeFrameWithRoom} keeps free in front of a frame the client keeps for
 * resending: room for the ACK (17 bytes) and the HEARTBEAT (13) a batch may start with.
 */
export const FRAME_ROOM = 32;

/**
 * {@link encodeFrame} with `room` free bytes in front of the frame, in the same buffer (the
 * returned view starts after them), so that {@link joinBatch} can put an ACK there instead of
 * copying the frame into a new batch.
 * @param {number} type
 * @param {number} channel
 * @param {number} seq
 * @param {Uint8Array} payload
 * @param {number} room
 * @returns {Uint8Array}
 */
export function encodeFrameWithRoom(type, channel, seq, payload, room) {
  const out = new Uint8Array(new ArrayBuffer(room + HEADER_SIZE + payload.length), room);
  const view = new DataView(out.buffer, room, HEADER_SIZE);
  view.setUint8(0, type);
  view.setUint32(1, channel);
  view.setUint32(5, seq);
  view.setUint32(9, payload.length);
  out.set(payload, HEADER_SIZE);
  return out;
}

/**
 * The batch `prefix` frames then `frames`. A single frame made with {@link FRAME_ROOM} bytes of
 * room takes the prefix in that room and is sent from there: in a bulk upload nearly every
 * batch is one 64 KiB DATA frame, often led by an ACK, and copying the frame behind the ACK
 * was a 64 KiB allocation and copy per such batch. What is written into the room is
 * overwritten by the next batch that sends the frame (a resend), so the room must be used only
 * by batches sent one at a time, as the reliable link does; the transports copy (WebSocket
 * send, fetch bodies) or encode what they send before returning.
 * @param {Uint8Array[]} prefix small frames that lead the batch (ACK, HEARTBEAT)
 * @param {Uint8Array[]} frames
 * @returns {Uint8Array}
 */
export function joinBatch(prefix, frames) {
  if (prefix.length === 0) return concatBytes(frames);
  if (frames.length === 1) {
    const f = frames[0];
    let n = 0;
    for (const p of prefix) n += p.length;
    if (n <= FRAME_ROOM && f.byteOffset === FRAME_ROOM && f.buffer.byteLength === FRAME_ROOM + f.length) {
      const batch = new Uint8Array(f.buffer, FRAME_ROOM - n, n + f.length);
      let at = 0;
      for (const p of prefix) { batch.set(p, at); at += p.length; }
      return batch;
    }
  }
  return concatBytes([...prefix, ...frames]);
}

/**
 * Concatenates encoded frames into one batch. A single frame is the batch itself, not a copy
 * (bulk upstream batches are mostly one DATA frame; the transports copy what they send anyway).
 * @param {Uint8Array[]} frames
 * @returns {Uint8Array}
 */
export function concatBytes(frames) {
  if (frames.length === 1) return frames[0];
  let total = 0;
  for (const f of frames) total += f.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const f of frames) { out.set(f, at); at += f.length; }
  return out;
}

/**
 * @param {Frame[]} frames
 * @returns {Uint8Array}
 */
export function encodeBatch(frames) {
  return concatBytes(frames.map((f) => encodeFrame(f.type, f.channel, f.seq, f.payload)));
}

/**
 * Decodes and validates a batch.
 * @param {Uint8Array} bytes
 * @param {{maxFrame?: number, from?: 'gateway'|'client'}} [options] `from` is the sender; frames
 *   of a type that sender never sends are rejected
 * @returns {Frame[]}
 * @throws {FrameError}
 */
export function decodeBatch(bytes, options = {}) {
  const maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  const allowed = options.from === 'client' ? FROM_CLIENT : FROM_GATEWAY;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** @type {Frame[]} */
  const frames = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER_SIZE) {
      throw new FrameError(`truncated header: ${bytes.length - at} of ${HEADER_SIZE} bytes`, at);
    }
    const type = view.getUint8(at);
    const channel = view.getUint32(at + 1);
    const seq = view.getUint32(at + 5);
    const length = view.getUint32(at + 9);
    if (type < 1 || type >= TYPE_NAMES.length) throw new FrameError(`unknown frame type 0x${type.toString(16)}`, at);
    if (!allowed.has(type)) {
      throw new FrameError(`${frameTypeName(type)} is never sent by the ${options.from || 'gateway'}`, at);
    }
    if (length > maxFrame) throw new FrameError(`payload of ${length} bytes exceeds maxFrame ${maxFrame}`, at);
    if (at + HEADER_SIZE + length > bytes.length) {
      throw new FrameError(`truncated payload: ${bytes.length - at - HEADER_SIZE} of ${length} bytes`, at);
    }
    if (isSequenced(type) && seq === 0) throw new FrameError(`${frameTypeName(type)} has sequence number 0`, at);
    const payload = bytes.subarray(at + HEADER_SIZE, at + HEADER_SIZE + length);
    checkPayload(type, payload, at);
    frames.push({ type, channel, seq, payload });
    at += HEADER_SIZE + length;
  }
  return frames;
}

/**
 * @param {number} type
 * @param {Uint8Array} payload
 * @param {number} at
 */
function checkPayload(type, payload, at) {
  const n = payload.length;
  switch (type) {
    case FrameType.DATA:
      if (n === 0) throw new FrameError('DATA with an empty payload', at);
      break;
    case FrameType.CLOSE:
    case FrameType.SESSION_CLOSE:
      if (n < 2) throw new FrameError(`${frameTypeName(type)} payload of ${n} bytes, needs a 2-byte code`, at);
      break;
    case FrameType.CREDIT:
    case FrameType.ACK:
      if (n !== 4) throw new FrameError(`${frameTypeName(type)} payload of ${n} bytes, expected 4`, at);
      break;
    default:
      break;
  }
}

/**
 * @param {number} value
 * @returns {Uint8Array}
 */
export function u32Payload(value) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * @param {Uint8Array} payload
 * @returns {number}
 */
export function readU32(payload) {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
}

/**
 * @param {number} code
 * @param {string} [reason]
 * @returns {Uint8Array}
 */
export function closePayload(code, reason = '') {
  const text = encoder.encode(reason);
  const out = new Uint8Array(2 + text.length);
  new DataView(out.buffer).setUint16(0, code);
  out.set(text, 2);
  return out;
}

/**
 * @param {Uint8Array} payload
 * @returns {{code: number, reason: string}}
 */
export function readClosePayload(payload) {
  const code = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint16(0);
  let reason;
  try { reason = decoder.decode(payload.subarray(2)); } catch { reason = '(reason was not UTF-8)'; }
  return { code, reason };
}

/**
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function jsonPayload(value) {
  return encoder.encode(JSON.stringify(value));
}

/**
 * @param {Uint8Array} payload
 * @param {string} what what the JSON is, for the error message
 * @returns {any}
 * @throws {FrameError}
 */
export function readJsonPayload(payload, what) {
  try {
    return JSON.parse(decoder.decode(payload));
  } catch (e) {
    throw new FrameError(`${what} payload is not UTF-8 JSON: ${/** @type {Error} */ (e).message}`, 0);
  }
}
