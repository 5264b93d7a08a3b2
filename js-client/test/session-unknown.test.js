import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TCPSocket } from '../src/tcp-socket.js';
import { FrameType, closePayload } from '../src/frame.js';
import { fakeSession, readBytes } from './helpers/util.js';

// 4015 session-unknown: the gateway node does not hold the session (docs/SCALING.md).

test('a session refused with 4015 before it ever attached is replaced by a fresh one at once', async () => {
  // A backoff this long would time the test out: the fresh start must not wait for it.
  const { gateway, session } = fakeSession({}, { minDelayMs: 600000, maxDelayMs: 600000 });
  gateway.refuseAttaches.push(410); // e.g. its node died between POST /session and the first attach
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  const writer = socket.writable.getWriter();
  await writer.write(new Uint8Array([1, 2, 3]));
  assert.deepEqual([...await readBytes(socket.readable, 3)], [1, 2, 3]);
  assert.deepEqual(gateway.errors, []);
  assert.equal(gateway.attaches, 1);
  session.close();
});

test('when the node holding an attached session is gone every socket closes with 4015', async () => {
  const { gateway, session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  gateway.refuseAttaches.push(410);
  gateway.cut();
  await assert.rejects(socket.closed, (e) => e.code === 4015);
  assert.equal(session.state, 'closed');
});

test('a SESSION_CLOSE 4015 in a downstream answer closes every socket with 4015', async () => {
  const { gateway, session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  gateway.emit(FrameType.SESSION_CLOSE, 0, closePayload(4015, 'the session belongs to node gw-9'));
  await assert.rejects(socket.closed, (e) => e.code === 4015 && /gw-9/.test(e.message));
});

test('a balancer that always misroutes ends in 4015 after a few fresh starts, not a loop', async () => {
  const { gateway, session } = fakeSession();
  gateway.refuseAttaches.push(410, 410, 410, 410, 410, 410);
  const socket = new TCPSocket('echo', undefined, { session });
  await assert.rejects(socket.closed, (e) => e.code === 4015);
  assert.equal(gateway.refuseAttaches.length, 2, 'the first attempt and three fresh starts, then it stops');
});
