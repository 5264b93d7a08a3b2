import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameCutter, isBinaryBody } from '../src/transports/binary-frames.js';
import { decodeBatch, FrameError } from '../src/frame.js';

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
    for (const batch of cutter.push(stream.subarray(i, i + 1))) out.push(...batch);
  }
  assert.deepEqual(new Uint8Array(out), stream);
  assert.equal(cutter.hasPartial(), false);
});

test('whole frames in one chunk come out as one batch and a cut-off tail is held back', () => {
  const a = frame(0x02, new Uint8Array([9]));
  const b = frame(0x02, new Uint8Array([8, 8]));
  const cutter = new FrameCutter();
  const batches = cutter.push(new Uint8Array([...a, ...b, ...b.subarray(0, 5)]));
  assert.deepEqual(batches, [new Uint8Array([...a, ...b])]);
  assert.equal(cutter.hasPartial(), true, 'the body ending now would be an error');
  assert.deepEqual(cutter.push(b.subarray(5)), [b]);
});

test('whole frames inside a chunk come out as a view of it, even after a cut frame completes', () => {
  const a = frame(0x03, new Uint8Array(1000).fill(1));
  const b = frame(0x03, new Uint8Array(500).fill(2));
  const cutter = new FrameCutter();
  assert.deepEqual(cutter.push(a.subarray(0, 600)), []);
  const chunk = new Uint8Array([...a.subarray(600), ...b, ...b]);
  const [first, rest] = cutter.push(chunk);
  assert.deepEqual(first, a);
  assert.equal(rest.buffer, chunk.buffer, 'the frames after the cut one are not copied');
  assert.equal(rest.byteOffset, a.length - 600);
  assert.deepEqual(rest, new Uint8Array([...b, ...b]));
});

test('a frame cut by chunk boundaries comes out whole before the frames that follow it', () => {
  const big = frame(0x03, Uint8Array.from({ length: 65536 }, (_, i) => i % 251));
  const small = frame(0x03, new Uint8Array([7, 7, 7]));
  const stream = new Uint8Array([...small, ...big, ...small, ...small]);
  const cutter = new FrameCutter();
  const batches = [];
  for (let i = 0; i < stream.length; i += 1000) batches.push(...cutter.push(stream.subarray(i, i + 1000)));
  assert.deepEqual(batches.map((b) => b.length), [small.length, big.length, 2 * small.length]);
  assert.deepEqual(batches[1], big);
  assert.equal(cutter.hasPartial(), false);
});

test('a header announcing a frame too large to assemble is passed on for the decoder to reject', () => {
  const bogus = frame(0x03, new Uint8Array(4));
  new DataView(bogus.buffer).setUint32(9, 0x7fffffff);
  const cutter = new FrameCutter();
  const [batch] = cutter.push(new Uint8Array([...frame(0x03, new Uint8Array([1])), ...bogus]));
  assert.throws(() => decodeBatch(batch), FrameError);
  const cut = new FrameCutter();
  assert.deepEqual(cut.push(bogus.subarray(0, 6)), []);
  const [rest] = cut.push(bogus.subarray(6));
  assert.deepEqual(rest, bogus);
});

test('only application/octet-stream answers are read as raw batches', () => {
  const res = (type) => /** @type {Response} */ ({ headers: new Headers(type ? { 'content-type': type } : {}) });
  assert.equal(isBinaryBody(res('application/octet-stream')), true);
  assert.equal(isBinaryBody(res('text/plain; charset=us-ascii')), false);
  assert.equal(isBinaryBody(res(null)), false);
});
