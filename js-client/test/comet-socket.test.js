import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CometSocket } from '../src/comet-socket.js';
import { fakeSession, until } from './helpers/util.js';

test('the facade walks CONNECTING -> OPEN -> CLOSING -> CLOSED with WebSocket events', async () => {
  const { session } = fakeSession();
  const ws = new CometSocket('echo', { session });
  const log = [];
  ws.onopen = () => log.push(`open ${ws.readyState}`);
  ws.onclose = (e) => log.push(`close ${ws.readyState} ${e.code} ${e.wasClean}`);
  assert.equal(ws.readyState, CometSocket.CONNECTING);
  assert.equal(ws.CONNECTING, 0);
  assert.throws(() => ws.send('too early'), (e) => e.name === 'InvalidStateError');
  await until(() => log.length === 1, 'open');
  ws.close();
  assert.equal(ws.readyState, CometSocket.CLOSING);
  await until(() => log.length === 2, 'close');
  assert.deepEqual(log, ['open 1', 'close 3 1000 true']);
  ws.send('after close is discarded');
  session.close();
});

test('text mode delivers UTF-8 strings, even split inside a character', async () => {
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const ws = new CometSocket('hold', { session, text: true });
  const got = [];
  ws.addEventListener('message', (e) => got.push(e.data));
  await until(() => ws.readyState === CometSocket.OPEN, 'open');
  const bytes = new TextEncoder().encode('añb€');
  gateway.pushBackend(1, bytes.subarray(0, 2)); // "a" plus half of "ñ"
  await until(() => got.length === 1, 'the first message');
  gateway.pushBackend(1, bytes.subarray(2));
  await until(() => got.join('') === 'añb€', 'the whole text');
  assert.equal(got[0], 'a');
  session.close();
});

test('binary mode delivers ArrayBuffers, or Blobs with binaryType blob', async () => {
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const ws = new CometSocket('hold', { session });
  assert.equal(ws.binaryType, 'arraybuffer');
  const got = [];
  ws.onmessage = (e) => got.push(e.data);
  await until(() => ws.readyState === CometSocket.OPEN, 'open');
  gateway.pushBackend(1, new Uint8Array([1, 2, 3]));
  await until(() => got.length === 1, 'a message');
  assert.ok(got[0] instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(got[0])], [1, 2, 3]);
  ws.binaryType = 'blob';
  ws.binaryType = 'nonsense'; // ignored, as WebSocket does
  gateway.pushBackend(1, new Uint8Array([4]));
  await until(() => got.length === 2, 'a second message');
  assert.ok(got[1] instanceof Blob);
  assert.deepEqual([...new Uint8Array(await got[1].arrayBuffer())], [4]);
  session.close();
});

test('sends keep their order when a Blob is among them', async () => {
  const { gateway, session } = fakeSession();
  const ws = new CometSocket('echo', { session });
  await until(() => ws.readyState === CometSocket.OPEN, 'open');
  ws.send('a');
  ws.send(new Blob(['b']));
  ws.send(new Uint8Array([99]));
  const ch = gateway.channels.get(1);
  await until(() => ch.receivedBytes === 3, 'three bytes at the backend');
  assert.equal(Buffer.concat(ch.received).toString(), 'abc');
  session.close();
});

test('a denied target gives error then close with 4004 and the gateway reason', async () => {
  const { session } = fakeSession({ backends: {} });
  const ws = new CometSocket('cometgate://10.0.0.5:6379', { session });
  assert.equal(ws.url, 'cometgate://10.0.0.5:6379');
  const log = [];
  ws.onerror = (e) => log.push(`error ${e.code}`);
  ws.onclose = (e) => log.push(`close ${e.code} ${e.reason}`);
  await until(() => log.length === 2, 'error and close');
  assert.deepEqual(log, ['error 4004', 'close 4004 target 10.0.0.5:6379 is not in the policy']);
  assert.equal(ws.readyState, CometSocket.CLOSED);
  session.close();
});

test('close() validates the code and reason like WebSocket', async () => {
  const { session } = fakeSession();
  const ws = new CometSocket('echo', { session });
  assert.throws(() => ws.close(1001), (e) => e.name === 'InvalidAccessError');
  assert.throws(() => ws.close(1000, 'x'.repeat(124)), (e) => e.name === 'SyntaxError');
  ws.close(4321, 'bye');
  const closed = await new Promise((resolve) => { ws.onclose = resolve; });
  assert.equal(closed.code, 4321);
  assert.equal(closed.reason, 'bye');
  session.close();
});

test('a WebSocket protocols argument is accepted and ignored', () => {
  const { session } = fakeSession();
  const ws = new CometSocket('echo', ['v12.stomp'], { session });
  assert.equal(ws.protocol, '');
  ws.close();
  session.close();
});
