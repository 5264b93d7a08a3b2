import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetransmitBuffer, ReceiveWindow } from '../src/reliable.js';
import { FrameType, decodeBatch, concatBytes } from '../src/frame.js';
import { TCPSocket } from '../src/tcp-socket.js';
import { randomBytes, concat, readBytes, fakeSession, until } from './helpers/util.js';

const data = (n) => new Uint8Array([n]);

test('the retransmit buffer numbers frames from 1 and drops them on cumulative ack', () => {
  const buf = new RetransmitBuffer();
  const acked = [];
  for (let i = 0; i < 5; i++) buf.push(FrameType.DATA, 1, data(i), () => acked.push(i));
  assert.deepEqual(buf.entries.map((e) => e.seq), [1, 2, 3, 4, 5]);
  buf.ack(3);
  assert.deepEqual(buf.entries.map((e) => e.seq), [4, 5]);
  assert.deepEqual(acked, [0, 1, 2]);
  buf.ack(2); // an older ack changes nothing
  assert.deepEqual(buf.entries.map((e) => e.seq), [4, 5]);
});

test('an ack beyond what was sent is an error', () => {
  const buf = new RetransmitBuffer();
  buf.push(FrameType.DATA, 1, data(1));
  assert.throws(() => buf.ack(2), /ack 2 is beyond the last sequence number sent \(1\)/);
});

test('takeUnsent respects the byte budget but always makes progress', () => {
  const buf = new RetransmitBuffer();
  for (let i = 0; i < 4; i++) buf.push(FrameType.DATA, 1, new Uint8Array(100));
  const first = buf.takeUnsent(250); // 113 bytes per frame: two fit
  assert.equal(first.length, 2);
  const second = buf.takeUnsent(10); // smaller than one frame: still one
  assert.equal(second.length, 1);
  assert.equal(buf.takeUnsent(1e6).length, 1);
  assert.equal(buf.hasUnsent(), false);
});

test('after a rewind every unacknowledged frame is sent again, in order', () => {
  const buf = new RetransmitBuffer();
  for (let i = 0; i < 4; i++) buf.push(FrameType.DATA, 1, data(i));
  buf.takeUnsent(1e6);
  buf.ack(2);
  buf.rewind();
  const again = decodeBatch(concatBytes(buf.takeUnsent(1e6)), { from: 'client' });
  assert.deepEqual(again.map((f) => f.seq), [3, 4]);
});

test('the receive window delivers in order, drops duplicates and rejects gaps', () => {
  const w = new ReceiveWindow();
  assert.equal(w.accept(1, 10), 'deliver');
  assert.equal(w.accept(2, 10), 'deliver');
  assert.equal(w.accept(2, 10), 'duplicate');
  assert.equal(w.accept(1, 10), 'duplicate');
  assert.throws(() => w.accept(4, 10), /sequence gap: expected 3, got 4/);
  assert.equal(w.needsAck(), true);
  assert.equal(w.takeAck(), 2);
  assert.equal(w.needsAck(), false);
  w.accept(2, 10);
  assert.equal(w.needsAck(), true, 'a duplicate means the gateway missed our ack: ack again');
});

/** Sends `payload` through an echo socket and reads it back. */
async function echoThrough(session, payload) {
  const socket = new TCPSocket('echo', undefined, { session });
  const { readable, writable } = await socket.opened;
  const writer = writable.getWriter();
  const reading = readBytes(readable, payload.length);
  for (let at = 0; at < payload.length; at += 10000) await writer.write(payload.subarray(at, at + 10000));
  const echoed = await reading;
  writer.releaseLock();
  return { socket, echoed };
}

test('a transfer survives cuts in the middle in both directions: nothing lost, duplicated or reordered', async () => {
  const { gateway, session } = fakeSession({ window: 32768 });
  gateway.resendAll = true;
  for (const n of [3, 9, 17, 30, 31, 55]) gateway.cutDownAt.add(n);
  for (const n of [4, 12, 25, 40]) gateway.cutUpAt.add(n);
  for (const n of [7, 20, 33]) gateway.loseResponseAt.add(n);
  const payload = randomBytes(300000, 7);
  const { socket, echoed } = await echoThrough(session, payload);
  assert.equal(echoed.length, payload.length);
  assert.ok(Buffer.from(echoed).equals(Buffer.from(payload)), 'echoed bytes differ from the bytes sent');
  const ch = gateway.channels.get(1);
  assert.ok(Buffer.from(concat(ch.received)).equals(Buffer.from(payload)), 'the backend got the bytes out of order or twice');
  assert.deepEqual(gateway.errors, []);
  assert.ok(gateway.duplicates > 0, 'the client never resent anything the gateway had seen');
  assert.ok(session.link.in.duplicates > 0, 'the gateway never resent anything the client had seen');
  assert.ok(gateway.attaches > 5, `expected several reattaches, saw ${gateway.attaches}`);
  socket.close();
  await socket.closed;
  session.close();
});

test('frames the gateway had not acknowledged are resent after a reconnect and duplicates are dropped', async () => {
  const { gateway, session } = fakeSession();
  const payload = randomBytes(5000, 3);
  const socket = new TCPSocket('echo', undefined, { session });
  const { readable } = await socket.opened;
  // Lose the next upstream batch (the data), then let the client reconnect.
  gateway.cutUpAt.add(gateway.upBatches + 1);
  socket.send(payload);
  const echoed = await readBytes(readable, payload.length);
  assert.ok(Buffer.from(echoed).equals(Buffer.from(payload)));
  assert.equal(gateway.attaches, 2);
  // And the reverse: everything the gateway resends after a plain cut is already known.
  gateway.cut();
  await until(() => gateway.attaches === 3 && gateway.transport, 'the third attach');
  socket.send('x');
  const x = await readBytes(readable, 1);
  assert.equal(new TextDecoder().decode(x), 'x');
  assert.deepEqual(gateway.errors, []);
  session.close();
});

test('a HELLO with a gateway ack drops the acknowledged frames from the retransmit buffer', async () => {
  const { gateway, session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  socket.send('hello');
  await until(() => gateway.channels.get(1)?.receivedBytes === 5, 'the data at the gateway');
  await until(() => session.link.out.entries.length === 0, 'the retransmit buffer to empty');
  assert.equal(session.link.out.acked, gateway.lastReceived);
  session.close();
});

test('session transport name records what worked', async () => {
  const { session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  assert.equal(session.transportName, 'fake');
  assert.equal(session.state, 'open');
  session.close();
});

test('the fallback moves to the next transport when one fails to attach', async () => {
  const { FakeGateway } = await import('./helpers/fake-gateway.js');
  const { Session } = await import('../src/session.js');
  const gateway = new FakeGateway();
  const Broken = gateway.transportClass({ name: 'broken' });
  const Good = gateway.transportClass({ name: 'good' });
  gateway.refuseAttaches.push(0); // the first attempt fails without a status
  const session = new Session('http://127.0.0.1:9/cometgate', {
    transportClasses: [Broken, Good], transports: ['broken', 'good'], rememberTransport: false, ackDelayMs: 1,
  });
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  assert.equal(session.transportName, 'good');
  session.close();
});

test('an unavailable transport is skipped and an unknown name is a clear error', async () => {
  const { FakeGateway } = await import('./helpers/fake-gateway.js');
  const { Session } = await import('../src/session.js');
  const gateway = new FakeGateway();
  const Missing = gateway.transportClass({ name: 'missing', available: false });
  const Good = gateway.transportClass({ name: 'good' });
  const session = new Session('http://127.0.0.1:9/cometgate', { transportClasses: [Missing, Good], rememberTransport: false });
  assert.deepEqual(session.choice.candidates.map((c) => c.transportName), ['good']);
  assert.throws(() => new Session('http://127.0.0.1:9/cometgate', { transportClasses: [Good], transports: 'nope' }),
    /unknown transport 'nope'; known: good/);
});

test('when the gateway forgets the session every socket closes with 4007', async () => {
  const { gateway, session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  gateway.sessionId = 'another'; // the next attach gets 404
  gateway.cut();
  await assert.rejects(socket.closed, (e) => e.code === 4007);
  assert.equal(session.state, 'closed');
});

test('sockets share a session per gateway and transport choice, and a closed session is replaced', async () => {
  const { Session } = await import('../src/session.js');
  const { FakeGateway } = await import('./helpers/fake-gateway.js');
  const Fake = new FakeGateway().transportClass();
  const opts = { transportClasses: [Fake], rememberTransport: false };
  const a = Session.for('http://127.0.0.1:9/cometgate/', { ...opts, transports: 'fake' });
  const b = Session.for('ws://127.0.0.1:9/cometgate', { ...opts, transports: ['fake'] });
  const c = Session.for('http://127.0.0.1:9/cometgate', opts);
  assert.equal(a, b, 'the same gateway (http or ws, trailing slash or not) and transport must share');
  assert.notEqual(a, c, 'a different transport choice must get its own session');
  a.close();
  const d = Session.for('http://127.0.0.1:9/cometgate', { ...opts, transports: 'fake' });
  assert.notEqual(d, a);
  d.close();
  c.close();
});
