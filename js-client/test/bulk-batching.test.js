// How bulk bytes are batched (issue 13, Chromium bulk speed): every standalone ACK and every
// extra WebSocket message costs the browser about as much as a 64 KiB one, so these tests count
// messages, not time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReliableLink } from '../src/reliable-link.js';
import { FrameType, decodeBatch } from '../src/frame.js';
import { WindowBudget, WindowTuner } from '../src/flow.js';
import { Deadline } from '../src/deadline.js';
import { TCPSocket } from '../src/tcp-socket.js';
import { Session } from '../src/session.js';
import { FakeGateway } from './helpers/fake-gateway.js';
import { randomBytes, until } from './helpers/util.js';

const KIB = 1024;

/** A link over a transport that records every batch and completes each send at once. */
function recordingLink(ackSlack) {
  const batches = [];
  const link = new ReliableLink({ ackDelayMs: 60000 }, {
    batchLimit: () => 131072, maxFrame: () => 65536, sent: () => {}, answered: () => {},
    sendFailed: (t, e) => { throw e; }, protocolError: (m) => { throw new Error(m); }, ackSlack,
  });
  link.attach({ maxBatch: Infinity, send: (b) => { batches.push(decodeBatch(b, { from: 'client' })); return Promise.resolve(); } }, false);
  return { link, batches };
}

/** 32 downstream DATA frames of 64 KiB, one batch each, as the gateway sends a bulk download. */
async function receiveBulk(link) {
  for (let seq = 1; seq <= 32; seq++) {
    assert.ok(link.accept({ type: FrameType.DATA, channel: 1, seq, payload: new Uint8Array(64 * KIB) }));
    link.scheduleAck();
    await Promise.resolve();
  }
  await new Promise((r) => setTimeout(r, 0));
}

test('while no window grew, a standalone ACK goes out for every 32 KiB received (here every 64 KiB batch)', async () => {
  const { link, batches } = recordingLink(() => 0);
  await receiveBulk(link);
  assert.equal(batches.length, 32);
  assert.deepEqual(batches.map((b) => b.map((f) => f.type)), Array(32).fill([FrameType.ACK]));
  link.stop();
});

test('grown windows space standalone ACKs out by a quarter of the growth: 1 MiB windows ack every 256 KiB, not every 64 KiB', async () => {
  const budget = new WindowBudget();
  const tuner = new WindowTuner(128 * KIB, 1024 * KIB, budget, 0);
  while (tuner.window < 1024 * KIB) tuner.consumed(tuner.window, 1, 1000); // fast epochs: the window doubles
  assert.equal(budget.grown, 896 * KIB);
  const { link, batches } = recordingLink(() => budget.grown / 4);
  await receiveBulk(link);
  // 32 KiB + 224 KiB: an ACK after every fourth 64 KiB batch, each covering all received so far.
  assert.equal(batches.length, 8);
  assert.deepEqual(batches.map((b) => b.map((f) => [f.type, new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0)])),
    [4, 8, 12, 16, 20, 24, 28, 32].map((n) => [[FrameType.ACK, n]]));
  tuner.release();
  assert.equal(budget.grown, 0, 'an ended channel gives its growth back, and ACKs tighten again');
  assert.equal(budget.used, 0);
  link.stop();
});

test('an upstream batch always carries the pending ACK, whatever the threshold', async () => {
  const { link, batches } = recordingLink(() => 1e9);
  assert.ok(link.accept({ type: FrameType.DATA, channel: 1, seq: 1, payload: new Uint8Array(100) }));
  link.scheduleAck();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(batches.length, 0, 'below the threshold nothing goes out on its own');
  link.enqueue(FrameType.CREDIT, 1, new Uint8Array(4));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(batches.map((b) => b.map((f) => f.type)), [[FrameType.ACK, FrameType.CREDIT]]);
  link.stop();
});

test('a transport with 64 KiB DATA chunks and no batch limit of its own sends each 64 KiB write as one batch of one frame', async () => {
  const gateway = new FakeGateway({ window: 1024 * KIB });
  const Fake = gateway.transportClass();
  class Wide extends Fake {
    constructor(ctx) { super(ctx); this.maxBatch = Infinity; this.dataChunk = 65536; }
  }
  const session = new Session('http://127.0.0.1:9/cometgate', {
    transportClasses: [Wide], transports: 'fake', rememberTransport: false, ackDelayMs: 1, lingerMs: 60000,
  });
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  const sizes = [];
  const receive = gateway.receive.bind(gateway);
  gateway.receive = (t, batch) => {
    for (const f of decodeBatch(batch, { from: 'client' })) if (f.type === FrameType.DATA) sizes.push(f.payload.length);
    return receive(t, batch);
  };
  const before = gateway.upBatches;
  for (let i = 0; i < 4; i++) {
    socket.send(randomBytes(64 * KIB, i));
    await until(() => sizes.length === i + 1, `write ${i + 1} at the gateway`);
  }
  assert.deepEqual(sizes, [65536, 65536, 65536, 65536]);
  assert.ok(gateway.upBatches - before <= 5, `${gateway.upBatches - before} batches for four writes`);
  session.close();
});

test('a deadline pushed back fires once, at the later time; one turned off never fires', async () => {
  let fired = 0;
  const d = new Deadline(() => { fired++; });
  let firedAfter = 0;
  const start = performance.now();
  const d2 = new Deadline(() => { firedAfter = performance.now() - start; });
  d2.set(20);
  d2.set(60); // the 20 ms timer stays, wakes up early and sets itself again for the rest
  await until(() => firedAfter > 0, 'the deadline pushed back');
  assert.ok(firedAfter >= 59, `fired after ${firedAfter} ms, before its time (60 ms)`);
  d.set(20);
  await until(() => fired === 1, 'the deadline');
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(fired, 1, 'fired more than once');
  assert.equal(d.armed, false);
  d.set(10);
  d.clear();
  d.set(5); // set again while the old timer is still pending: brought forward
  await until(() => fired === 2, 'the deadline set again');
  d.set(10);
  d.cancel();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(fired, 2);
});
