/**
 * Cuts a binary response stream (`binary=1`, docs/PROTOCOL.md "Binary bodies") into batches:
 * frames delimit themselves by the length field of their 13-byte header, and chunk boundaries
 * mean nothing, so whole frames are handed on as soon as they are complete.
 * @module
 */

const HEADER = 13;

export class FrameCutter {
  constructor() {
    /** @type {Uint8Array} bytes of a frame not yet complete */
    this.pending = new Uint8Array(0);
  }

  /**
   * @param {Uint8Array} chunk the next bytes of the body
   * @returns {Uint8Array|null} every frame now complete, as one batch, or null
   */
  push(chunk) {
    let bytes = chunk;
    if (this.pending.length) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let end = 0;
    while (bytes.length - end >= HEADER) {
      const frame = HEADER + view.getUint32(end + 9);
      if (end + frame > bytes.length) break;
      end += frame;
    }
    this.pending = bytes.subarray(end);
    return end > 0 ? bytes.subarray(0, end) : null;
  }

  /** @returns {boolean} whether a frame was cut off (the body ended inside it) */
  hasPartial() {
    return this.pending.length > 0;
  }
}

/**
 * @param {Response} res
 * @returns {boolean} whether the gateway answered with raw batches (an older gateway ignores
 *   `binary=1` and answers base64 text, which the caller then decodes as before)
 */
export function isBinaryBody(res) {
  return (res.headers.get('content-type') || '').startsWith('application/octet-stream');
}
