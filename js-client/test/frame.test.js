import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameType, FrameError, encodeFrame, encodeBatch, decodeBatch, isSequenced, closePayload,
  readClosePayload, u32Payload, readU32, HEADER_SIZE, encodeFrameWithRoom, joinBatch, FRAME_ROOM,
} from '../src/frame.js';
import { encodeBase64, decodeBase64 } from '../src/base64.js';

const bytes = (...b) => new Uint8Array(b);

test('every frame type round-trips through encode and decode', () => {
  for (const [name, type] of Object.entries(FrameType)) {
    const seq = isSequenced(type) ? 42 : 0;
    const payload = type === FrameType.ACK || type === FrameType.CREDIT ? u32Payload(7)
      : type === FrameType.CLOSE || type === FrameType.SESSION_CLOSE ? closePayload(4004, 'nö')
        : type === FrameType.HEARTBEAT ? new Uint8Array(0) : new TextEncoder().encode(`{"x":"${name}"}`);
    const from = type === FrameType.OPEN ? 'client' : type === FrameType.HELLO || type === FrameType.OPENED ? 'gateway' : 'gateway';
    const [frame] = decodeBatch(encodeFrame(type, 3, seq, payload), { from });
    assert.equal(frame.type, type, name);
    assert.equal(frame.channel, 3, name);
    assert.equal(frame.seq, seq, name);
    assert.deepEqual([...frame.payload], [...payload], name);
  }
});

test('the header is big-endian type, channel, seq, length', () => {
  const f = encodeFrame(FrameType.DATA, 0x01020304, 0x0a0b0c0d, bytes(0xff, 0xee));
  assert.deepEqual([...f], [3, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 2, 0xff, 0xee]);
});

test('a batch of several frames decodes in order', () => {
  const frames = [
    { type: FrameType.DATA, channel: 1, seq: 1, payload: bytes(1) },
    { type: FrameType.ACK, channel: 0, seq: 0, payload: u32Payload(9) },
    { type: FrameType.DATA, channel: 3, seq: 2, payload: bytes(2, 3) },
    { type: FrameType.HEARTBEAT, channel: 0, seq: 0, payload: new Uint8Array(0) },
  ];
  const decoded = decodeBatch(encodeBatch(frames));
  assert.deepEqual(decoded.map((f) => [f.type, f.channel, f.seq, [...f.payload]]),
    frames.map((f) => [f.type, f.channel, f.seq, [...f.payload]]));
  assert.equal(readU32(decoded[1].payload), 9);
});

test('an empty batch decodes to no frames', () => {
  assert.deepEqual(decodeBatch(new Uint8Array(0)), []);
});

test('close payloads carry the code and a UTF-8 reason', () => {
  const { code, reason } = readClosePayload(closePayload(4004, 'target 10.0.0.5:6379 – denied'));
  assert.equal(code, 4004);
  assert.equal(reason, 'target 10.0.0.5:6379 – denied');
});

const malformed = [
  ['a truncated header', bytes(3, 0, 0, 0, 1, 0, 0), /truncated header/],
  ['a truncated payload', encodeFrame(FrameType.DATA, 1, 1, bytes(1, 2, 3)).subarray(0, HEADER_SIZE + 2), /truncated payload/],
  ['an unknown type', encodeFrame(0x7f, 0, 0), /unknown frame type 0x7f/],
  ['type zero', encodeFrame(0, 0, 0), /unknown frame type 0x0/],
  ['a payload over maxFrame', encodeFrame(FrameType.DATA, 1, 1, new Uint8Array(17)), /exceeds maxFrame 16/, { maxFrame: 16 }],
  ['a sequenced frame with seq 0', encodeFrame(FrameType.DATA, 1, 0, bytes(1)), /sequence number 0/],
  ['OPEN sent by the gateway', encodeFrame(FrameType.OPEN, 1, 1, bytes(1)), /OPEN is never sent by the gateway/],
  ['HELLO sent by a client', encodeFrame(FrameType.HELLO, 0, 0, bytes(1)), /HELLO is never sent by the client/, { from: 'client' }],
  ['an empty DATA frame', encodeFrame(FrameType.DATA, 1, 1), /empty payload/],
  ['a CLOSE without a code', encodeFrame(FrameType.CLOSE, 1, 1, bytes(1)), /needs a 2-byte code/],
  ['a CREDIT of 3 bytes', encodeFrame(FrameType.CREDIT, 1, 1, bytes(0, 0, 1)), /expected 4/],
  ['an ACK of 5 bytes', encodeFrame(FrameType.ACK, 0, 0, bytes(0, 0, 0, 1, 2)), /expected 4/],
];

for (const [what, input, message, options] of malformed) {
  test(`decoding rejects ${what}`, () => {
    assert.throws(() => decodeBatch(input, options), (e) => e instanceof FrameError && message.test(e.message));
  });
}

test('a malformed frame after a good one names its offset in the batch', () => {
  const good = encodeFrame(FrameType.HEARTBEAT, 0, 0);
  const batch = new Uint8Array([...good, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => decodeBatch(batch), (e) => e.offset === HEADER_SIZE && /at byte 13/.test(e.message));
});

test('base64 round-trips every length and every byte value', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  for (let n = 0; n <= 256; n++) {
    const input = all.subarray(0, n);
    const text = encodeBase64(input);
    assert.equal(text, Buffer.from(input).toString('base64'));
    assert.deepEqual([...decodeBase64(text)], [...input]);
  }
});

test('base64 decoding rejects bad characters and lengths', () => {
  assert.throws(() => decodeBase64('abc'), /not a multiple of 4/);
  assert.throws(() => decodeBase64('ab!d'), /invalid character at offset 2/);
  assert.throws(() => decodeBase64('a=bc'), /invalid character at offset 1/);
  assert.deepEqual([...decodeBase64('  AAEC\n')], [0, 1, 2]);
});

test('joinBatch puts the leading frames in the room in front of a kept frame, without copying it', () => {
  const data = encodeFrameWithRoom(FrameType.DATA, 1, 7, new Uint8Array(1000).fill(9), FRAME_ROOM);
  const ack = encodeFrame(FrameType.ACK, 0, 0, u32Payload(5));
  const first = joinBatch([ack], [data]);
  assert.equal(first.buffer, data.buffer, 'sent from the frame\'s own buffer');
  assert.deepEqual(decodeBatch(first).map((f) => [f.type, f.seq, f.payload.length]), [[FrameType.ACK, 0, 4], [FrameType.DATA, 7, 1000]]);
  // A resend led by something else: the room is written again, the frame itself never changes.
  const beat = encodeFrame(FrameType.HEARTBEAT, 0, 0);
  const again = joinBatch([u32Ack(6), beat], [data]);
  assert.deepEqual(decodeBatch(again).map((f) => [f.type, f.type === FrameType.ACK ? readU32(f.payload) : f.seq]),
    [[FrameType.ACK, 6], [FrameType.HEARTBEAT, 0], [FrameType.DATA, 7]]);
  assert.deepEqual(decodeBatch(data).map((f) => [f.type, f.seq, f.payload[999]]), [[FrameType.DATA, 7, 9]]);
  assert.deepEqual([...joinBatch([], [data])], [...data], 'nothing in front: the frame itself');
});

test('joinBatch copies when the frame has no room, or when several frames go', () => {
  const plain = encodeFrame(FrameType.DATA, 1, 7, bytes(1, 2, 3));
  const ack = encodeFrame(FrameType.ACK, 0, 0, u32Payload(5));
  const batch = joinBatch([ack], [plain]);
  assert.notEqual(batch.buffer, plain.buffer);
  assert.deepEqual([...batch], [...ack, ...plain]);
  // A view into someone else's buffer with bytes in front is not room: those bytes are not ours.
  const outside = new Uint8Array(64);
  outside.set(plain, FRAME_ROOM);
  const view = outside.subarray(FRAME_ROOM, FRAME_ROOM + plain.length);
  assert.deepEqual([...joinBatch([ack], [view])], [...ack, ...plain]);
  assert.deepEqual([...outside.subarray(0, FRAME_ROOM)], new Array(FRAME_ROOM).fill(0), 'left untouched');
  const two = [encodeFrameWithRoom(FrameType.DATA, 1, 1, bytes(1), FRAME_ROOM), encodeFrameWithRoom(FrameType.DATA, 1, 2, bytes(2), FRAME_ROOM)];
  assert.deepEqual(decodeBatch(joinBatch([ack], two)).map((f) => f.seq), [0, 1, 2]);
});

function u32Ack(n) {
  return encodeFrame(FrameType.ACK, 0, 0, u32Payload(n));
}
