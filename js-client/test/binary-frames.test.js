import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameCutter, isBinaryBody } from '../src/transports/binary-frames.js';

/** A frame: type, channel, seq, length (big-endian) and the payload. */
function frame(type, payload) {
  const out = new Uint8Array(13 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, type);
  view.setUint32(1, 1);
  view.setUint32(5, 7);
  view.setUint32(9, payload.length);
  out.set(payload, 13);
  return out;
}

test('a binary stream cut at every byte still yields exactly its frames, in order', () => {
  const a = frame(0x02, new Uint8Array([1, 2, 3]));
  const b = frame(0x02, new Uint8Array(0));
  const c = frame(0x02, new Uint8Array(300).fill(0x0a));
  const stream = new Uint8Array([...a, ...b, ...c]);
  const cutter = new FrameCutter();
  const out = [];
  for (let i = 0; i < stream.length; i++) {
    const batch = cutter.push(stream.subarray(i, i + 1));
    if (batch) out.push(...batch);
  }
  assert.deepEqual(new Uint8Array(out), stream);
  assert.equal(cutter.hasPartial(), false);
});

test('whole frames in one chunk come out as one batch and a cut-off tail is held back', () => {
  const a = frame(0x02, new Uint8Array([9]));
  const b = frame(0x02, new Uint8Array([8, 8]));
  const cutter = new FrameCutter();
  const batch = cutter.push(new Uint8Array([...a, ...b, ...b.subarray(0, 5)]));
  assert.deepEqual(batch, new Uint8Array([...a, ...b]));
  assert.equal(cutter.hasPartial(), true, 'the body ending now would be an error');
  assert.deepEqual(cutter.push(b.subarray(5)), b);
});

test('only application/octet-stream answers are read as raw batches', () => {
  const res = (type) => /** @type {Response} */ ({ headers: new Headers(type ? { 'content-type': type } : {}) });
  assert.equal(isBinaryBody(res('application/octet-stream')), true);
  assert.equal(isBinaryBody(res('text/plain; charset=us-ascii')), false);
  assert.equal(isBinaryBody(res(null)), false);
});
