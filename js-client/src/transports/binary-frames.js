/**
 * Cuts a binary response stream (`binary=1`, docs/PROTOCOL.md "Binary bodies") into batches:
 * frames delimit themselves by the length field of their 13-byte header, and chunk boundaries
 * mean nothing, so whole frames are handed on as soon as they are complete.
 * @module
 */

const HEADER = 13;
/**
 * Largest frame assembled across chunks. A header announcing more is passed on as it is, so
 * that the session's frame decoder rejects it (with its maxFrame) instead of this buffering it.
 */
const MAX_ASSEMBLED = 16 * 1024 * 1024;

/**
 * Each byte is copied at most once, and only when its frame straddles two chunks: whole frames
 * inside a chunk come out as a view of that chunk, and a frame cut by a chunk boundary is
 * assembled in one buffer of its final size (never re-copied as later chunks arrive).
 */
export class FrameCutter {
  constructor() {
    /** @type {Uint8Array|null} the cut frame being assembled, at its full size */
    this.frame = null;
    this.filled = 0;
    /** the first bytes of a frame whose header itself was cut */
    this.head = new Uint8Array(HEADER);
    this.headFilled = 0;
  }

  /**
   * @param {Uint8Array} chunk the next bytes of the body
   * @returns {Uint8Array[]} the batches now complete, in order (none, or one or two)
   */
  push(chunk) {
    /** @type {Uint8Array[]} */
    const out = [];
    let at = 0;
    if (this.headFilled > 0) {
      at = Math.min(HEADER - this.headFilled, chunk.length);
      this.head.set(chunk.subarray(0, at), this.headFilled);
      this.headFilled += at;
      if (this.headFilled < HEADER) return out;
      this.headFilled = 0;
      const length = new DataView(this.head.buffer).getUint32(9);
      if (length > MAX_ASSEMBLED) return [concat(this.head, chunk.subarray(at))];
      this.frame = new Uint8Array(HEADER + length);
      this.frame.set(this.head);
      this.filled = HEADER;
    }
    if (this.frame) {
      const n = Math.min(this.frame.length - this.filled, chunk.length - at);
      this.frame.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled < this.frame.length) return out;
      out.push(this.frame);
      this.frame = null;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let end = at;
    while (chunk.length - end >= HEADER) {
      const size = HEADER + view.getUint32(end + 9);
      if (end + size > chunk.length) break;
      end += size;
    }
    const rest = chunk.length - end;
    if (rest >= HEADER && view.getUint32(end + 9) > MAX_ASSEMBLED) {
      end = chunk.length;
    } else if (rest >= HEADER) {
      this.frame = new Uint8Array(HEADER + view.getUint32(end + 9));
      this.frame.set(chunk.subarray(end));
      this.filled = rest;
    } else if (rest > 0) {
      this.head.set(chunk.subarray(end));
      this.headFilled = rest;
    }
    if (end > at) out.push(chunk.subarray(at, end));
    return out;
  }

  /** @returns {boolean} whether a frame was cut off (the body ended inside it) */
  hasPartial() {
    return this.frame !== null || this.headFilled > 0;
  }
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {Uint8Array}
 */
function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * @param {Response} res
 * @returns {boolean} whether the gateway answered with raw batches (an older gateway ignores
 *   `binary=1` and answers base64 text, which the caller then decodes as before)
 */
export function isBinaryBody(res) {
  return (res.headers.get('content-type') || '').startsWith('application/octet-stream');
}
