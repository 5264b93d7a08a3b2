import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TCPSocket } from '../src/tcp-socket.js';
import { FrameType, closePayload } from '../src/frame.js';
import { fakeSession } from './helpers/util.js';

// 4015 session-unknown: the gateway node does not hold the session (docs/SCALING.md).

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
