import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendCredit, ReceiveCredit, WindowBudget, WindowTuner } from '../src/flow.js';
import { RttEstimator } from '../src/reliable.js';
import { TCPSocket } from '../src/tcp-socket.js';
import { randomBytes, readBytes, fakeSession, until } from './helpers/util.js';

test('send credit starts at the HELLO window, is replaced by the OPENED window, and grows with CREDIT', () => {
  const c = new SendCredit(1000);
  c.consume(400);
  assert.equal(c.available, 600);
  c.opened(500); // counted from the channel's start: 400 already used
  assert.equal(c.available, 100);
  c.grant(300);
  assert.equal(c.available, 400);
  assert.throws(() => c.consume(401), /sending 401 bytes with only 400 credit/);
});

test('send credit never goes negative when OPENED is smaller than what was already sent', () => {
  const c = new SendCredit(1000);
  c.consume(900);
  c.opened(100);
  assert.equal(c.available, 0);
  c.grant(850);
  assert.equal(c.available, 50);
});

test('receive credit is granted back in steps as the application consumes', () => {
  const c = new ReceiveCredit(1000, 250);
  c.received(600);
  assert.equal(c.consumed(100), 0);
  assert.equal(c.consumed(100), 0);
  assert.equal(c.consumed(100), 300);
  assert.equal(c.buffered, 300);
  assert.equal(c.overrun, 0);
});

test('receive credit notices a gateway that overruns the window', () => {
  const c = new ReceiveCredit(1000, 250);
  c.received(1200);
  assert.equal(c.overrun, 200);
});

const KIB = 1024;

/** Consumes `windows` whole windows, each within `msPerWindow`, a quarter at a time; returns the extra credit. */
function run(tuner, windows, msPerWindow, start, rtt = 1) {
  let now = start;
  let extra = 0;
  for (let i = 0; i < windows; i++) {
    const quarter = tuner.window / 4;
    for (let q = 0; q < 4; q++) {
      now += msPerWindow / 4;
      extra += tuner.consumed(quarter, now, rtt);
    }
  }
  return extra;
}

test('a window used within one round trip doubles, up to the maximum', () => {
  const t = new WindowTuner(128 * KIB, 1024 * KIB, new WindowBudget(16 * 1024 * KIB), 0);
  assert.equal(run(t, 1, 1, 0), 128 * KIB, 'the growth rides the grant as extra credit');
  assert.equal(t.window, 256 * KIB);
  run(t, 10, 1, 1);
  assert.equal(t.window, 1024 * KIB);
});

test('a window used slower than two round trips, or with no round trip known, stays', () => {
  const slow = new WindowTuner(128 * KIB, 1024 * KIB, new WindowBudget(16 * 1024 * KIB), 0);
  assert.equal(run(slow, 10, 3, 0), 0);
  const unknown = new WindowTuner(128 * KIB, 1024 * KIB, new WindowBudget(16 * 1024 * KIB), 0);
  assert.equal(run(unknown, 10, 0.001, 0, 0), 0);
  assert.equal(unknown.window, 128 * KIB);
});

test('busy channels share the session budget and never pass it; an ended one gives its window back', () => {
  const budget = new WindowBudget(1024 * KIB);
  const channels = [0, 1, 2, 3].map(() => new WindowTuner(128 * KIB, 1024 * KIB, budget, 0));
  for (let round = 0; round < 20; round++) for (const c of channels) run(c, 1, 1, round);
  assert.equal(channels.reduce((n, c) => n + c.window, 0), 1024 * KIB);
  for (const c of channels) assert.ok(c.window < 1024 * KIB);
  for (const c of channels.slice(1)) c.release();
  run(channels[0], 20, 1, 100);
  assert.equal(channels[0].window, 1024 * KIB, 'alone again, it grows to the maximum');
});

test('tuned receive credit grants the growth and widens its overrun check with it', () => {
  const c = new ReceiveCredit(1000, 250);
  c.tune(4000, new WindowBudget(10000), () => 1e6); // a huge round trip: every epoch is "fast"
  c.received(500);
  c.consumed(250);
  assert.equal(c.consumed(250), 250 + 1000, 'half a window in well under two round trips doubles it');
  assert.equal(c.window, 2000);
  c.received(2000);
  assert.equal(c.overrun, 0, 'the gateway may now send the grown window');
  c.release();
});

test('the round trip is timed from a sequenced frame to the ack that covers it, then smoothed', () => {
  const r = new RttEstimator();
  r.sent(3, 10);
  r.sent(4, 12);
  r.acked(2, 15);
  assert.equal(r.smoothed, 0);
  r.acked(4, 18);
  assert.equal(r.smoothed, 8);
  r.sent(5, 20);
  r.resent();
  r.acked(5, 100);
  assert.equal(r.smoothed, 8, 'a resent frame gives no sample');
  r.sent(6, 100);
  r.acked(6, 116);
  assert.equal(r.smoothed, 9);
});

test('a reader that stops reading stops the gateway sending, and reading again resumes it', async () => {
  const { gateway, session } = fakeSession({ window: 16384, backends: { flood: 'hold' } });
  const socket = new TCPSocket('flood', undefined, { session });
  const { readable } = await socket.opened;
  gateway.pushBackend(1, randomBytes(100000, 5));
  const ch = gateway.channels.get(1);
  await until(() => ch.downCredit === 0, 'the downstream window to be used up');
  // Nothing is read: no CREDIT comes back however long we wait for the client to process events.
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(ch.downCredit, 0);
  assert.ok(ch.downPending.reduce((n, b) => n + b.length, 0) === 100000 - 16384, 'the gateway sent beyond the window');
  const all = await readBytes(readable, 100000);
  assert.equal(all.length, 100000);
  assert.ok(Buffer.from(all).equals(Buffer.from(randomBytes(100000, 5))));
  session.close();
});

test('a backend that stops reading makes send() return false and drain fire once it reads again', async () => {
  const { gateway, session } = fakeSession({ window: 8192, backends: { sink: 'sink' } });
  const socket = new TCPSocket('sink', undefined, { session, highWaterMark: 4096 });
  await socket.opened;
  const results = [];
  for (let i = 0; i < 4; i++) results.push(socket.send(new Uint8Array(4096)));
  assert.deepEqual(results, [true, true, true, false]);
  assert.equal(socket.bufferedAmount, 8192);
  let drained = 0;
  socket.addEventListener('drain', () => drained++);
  const ch = gateway.channels.get(1);
  await until(() => ch.receivedBytes === 8192, 'the first window at the backend');
  assert.equal(drained, 0);
  gateway.grantUp(ch, 8192); // the backend read everything
  await until(() => drained === 1, 'drain');
  await until(() => ch.receivedBytes === 16384, 'the rest at the backend');
  assert.deepEqual(gateway.errors, [], 'the client overran its credit');
  session.close();
});

test('writes on the writable stream wait while the backend does not read', async () => {
  const { gateway, session } = fakeSession({ window: 4096, backends: { sink: 'sink' } });
  const socket = new TCPSocket('sink', undefined, { session, highWaterMark: 1024 });
  const { writable } = await socket.opened;
  const writer = writable.getWriter();
  await writer.write(new Uint8Array(4096)); // fits the credit
  let done = false;
  const pending = writer.write(new Uint8Array(4096)).then(() => { done = true; });
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(done, false, 'the write completed although the backend never read');
  gateway.grantUp(gateway.channels.get(1), 4096);
  await pending;
  assert.equal(done, true);
  session.close();
});
