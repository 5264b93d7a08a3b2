import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TCPSocket } from '../src/tcp-socket.js';
import { CloseCode } from '../src/codes.js';
import { fakeSession, until } from './helpers/util.js';

test('events: open, data, close in that order, with the backend close code 4000', async () => {
  const { gateway, session } = fakeSession({ backends: { echo: 'echo' } });
  const socket = new TCPSocket('echo', undefined, { session, binaryType: 'string' });
  const log = [];
  socket.onopen = () => log.push(`open ${socket.readyState} ${socket.remoteAddress}:${socket.remotePort}`);
  socket.ondata = (e) => log.push(`data ${e.data}`);
  socket.onclose = (e) => log.push(`close ${e.code} ${e.wasClean}`);
  assert.equal(socket.readyState, 'connecting');
  socket.send('héllo');
  await until(() => log.length === 2, 'open and data');
  gateway.backendClose(1);
  await until(() => log.length === 3, 'close');
  assert.deepEqual(log, ['open open 192.0.2.7:7', 'data héllo', 'close 4000 true']);
  assert.equal(socket.readyState, 'closed');
  await socket.closed;
  session.close();
});

test('a policy denial rejects opened and closed with 4004 and fires error then close', async () => {
  const { session } = fakeSession({ backends: {} });
  const socket = new TCPSocket('10.0.0.5', 6379, { session });
  const log = [];
  socket.addEventListener('error', (e) => log.push(`error ${e.error.code}`));
  socket.addEventListener('close', (e) => log.push(`close ${e.code} ${e.wasClean}`));
  await assert.rejects(socket.opened, (e) => e.code === CloseCode.POLICY_DENIED && e.codeName === 'policy-denied'
    && /10\.0\.0\.5:6379 is not in the policy/.test(e.message));
  await assert.rejects(socket.closed, (e) => e.code === 4004);
  assert.deepEqual(log, ['error 4004', 'close 4004 false']);
  session.close();
});

test('a refused connection surfaces as 4001', async () => {
  const { session } = fakeSession({ backends: { down: 'refuse' } });
  const socket = new TCPSocket('down', undefined, { session });
  await assert.rejects(socket.closed, (e) => e.code === CloseCode.CONNECT_REFUSED);
  session.close();
});

test('data queued before the backend closed is still delivered, then the stream ends', async () => {
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const socket = new TCPSocket('hold', undefined, { session });
  const { readable } = await socket.opened;
  gateway.pushBackend(1, new TextEncoder().encode('last words'));
  gateway.backendClose(1);
  const reader = readable.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), 'last words');
  assert.equal((await reader.read()).done, true);
  await socket.closed;
  session.close();
});

test('close() sends what was written, then CLOSE 1000, and resolves closed', async () => {
  const { gateway, session } = fakeSession({ backends: { echo: 'echo' } });
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  socket.send(new Uint8Array([1, 2, 3]));
  socket.close();
  assert.equal(socket.readyState, 'closing');
  await socket.closed;
  assert.equal(socket.readyState, 'closed');
  const ch = gateway.channels.get(1);
  assert.equal(ch.receivedBytes, 3);
  assert.deepEqual(ch.clientClose, { code: 1000, reason: '' });
  assert.throws(() => socket.send('late'), /TCPSocket is closed/);
  session.close();
});

test('sockets on one session get distinct odd channel ids', async () => {
  const { gateway, session } = fakeSession();
  const sockets = Array.from({ length: 5 }, () => new TCPSocket('echo', undefined, { session }));
  await Promise.all(sockets.map((s) => s.opened));
  assert.deepEqual([...gateway.channels.keys()], [1, 3, 5, 7, 9]);
  session.close();
});

test('a port outside 1-65535 is rejected with a clear error', () => {
  assert.throws(() => new TCPSocket('example.com', 70000, { gateway: 'http://127.0.0.1:9/cometgate' }), /port 70000: must be an integer 1-65535/);
});

test('IPv6 literals are bracketed in the target', async () => {
  const { gateway, session } = fakeSession({ backends: { '[2001:db8::1]:80': 'echo' } });
  const socket = new TCPSocket('2001:db8::1', 80, { session });
  await socket.opened;
  assert.equal(gateway.channels.get(1).target, '[2001:db8::1]:80');
  session.close();
});

test('suspend() stops data events and resume() delivers what waited', async () => {
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const socket = new TCPSocket('hold', undefined, { session, binaryType: 'uint8array' });
  const got = [];
  socket.suspend();
  socket.ondata = (e) => got.push(...e.data);
  await socket.opened;
  gateway.pushBackend(1, new Uint8Array([1, 2]));
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(got, []);
  socket.resume();
  await until(() => got.length === 2, 'the data after resume');
  assert.deepEqual(got, [1, 2]);
  session.close();
});

test('closing the session closes every socket with its code', async () => {
  const { session } = fakeSession();
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  session.close(4010, 'test shutdown');
  await assert.rejects(socket.closed, (e) => e.code === 4010 && e.reason === 'test shutdown');
});

test('the channel listener is private: assigning socket.onData and friends changes nothing', async () => {
  const { gateway, session } = fakeSession({ backends: { echo: 'echo' } });
  const socket = new TCPSocket('echo', undefined, { session, binaryType: 'string' });
  const internal = ['onOpened', 'onData', 'onClosed', 'onBuffered'];
  assert.deepEqual(internal.filter((name) => name in socket), [], 'internal listener methods on the public object');
  // A page that mistakes these for event handlers must not unplug the socket from its channel.
  for (const name of internal) socket[name] = () => { throw new Error(`${name} reached page code`); };
  const log = [];
  socket.ondata = (e) => log.push(`data ${e.data}`);
  socket.onclose = (e) => log.push(`close ${e.code}`);
  await socket.opened;
  socket.send('still works');
  await until(() => log.length === 1, 'the echo');
  gateway.backendClose(1);
  await until(() => log.length === 2, 'close');
  assert.deepEqual(log, ['data still works', 'close 4000']);
  session.close();
});

// A server that writes and closes at once (Redis QUIT -> +OK): the last bytes and the CLOSE
// arrive in one batch, and a client library waiting for "+OK" must see it before `close`.
for (const binaryType of ['string', 'uint8array']) {
  test(`the last data event comes before close when data and close arrive together (${binaryType})`, async () => {
    const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
    const socket = new TCPSocket('hold', undefined, { session, binaryType });
    const log = [];
    socket.ondata = (e) => log.push(`data ${typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data)}`);
    socket.onclose = (e) => log.push(`close ${e.code}`);
    await socket.opened;
    gateway.cork();
    gateway.pushBackend(1, new TextEncoder().encode('+OK\r\n'));
    gateway.backendClose(1);
    gateway.uncork();
    await until(() => log.some((l) => l.startsWith('close')), 'close');
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(log, ['data +OK\r\n', 'close 4000']);
    session.close();
  });
}

test('a stream reader gets the last chunk before the close event and closed', async () => {
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const socket = new TCPSocket('hold', undefined, { session });
  const log = [];
  socket.onclose = () => log.push('close event');
  socket.closed.then(() => log.push('closed'));
  const { readable } = await socket.opened;
  gateway.cork();
  gateway.pushBackend(1, new TextEncoder().encode('+OK\r\n'));
  gateway.backendClose(1);
  gateway.uncork();
  for await (const chunk of readable) log.push(`chunk ${new TextDecoder().decode(chunk)}`);
  await socket.closed;
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(log, ['chunk +OK\r\n', 'close event', 'closed']);
  session.close();
});

test('the WebSocket facade delivers the last message before close', async () => {
  const { CometSocket } = await import('../src/comet-socket.js');
  const { gateway, session } = fakeSession({ backends: { hold: 'hold' } });
  const ws = new CometSocket('hold', { session, text: true });
  const log = [];
  ws.onmessage = (e) => log.push(`message ${e.data}`);
  ws.onclose = (e) => log.push(`close ${e.code}`);
  await until(() => ws.readyState === 1, 'open');
  gateway.cork();
  gateway.pushBackend(1, new TextEncoder().encode('+OK\r\n'));
  gateway.backendClose(1);
  gateway.uncork();
  await until(() => log.some((l) => l.startsWith('close')), 'close');
  assert.deepEqual(log, ['message +OK\r\n', 'close 4000']);
  session.close();
});

test('a buffer the page changes right after send() arrives as it was when sent, framed at once or held for credit', async () => {
  const { session } = fakeSession({ backends: { echo: 'echo' }, window: 65536 });
  const socket = new TCPSocket('echo', undefined, { session });
  const { readable } = await socket.opened;
  const n = 5 * 65536; // more than the window: most of it waits for credit
  const buffer = new Uint8Array(n);
  for (let i = 0; i < n; i++) buffer[i] = i % 251;
  const expected = buffer.slice();
  socket.send(buffer);
  buffer.fill(0);
  socket.send(buffer.subarray(0, 3)); // the same buffer again, now zeros
  buffer.fill(1);
  const got = new Uint8Array(n + 3);
  let at = 0;
  const reader = readable.getReader();
  while (at < got.length) {
    const { value, done } = await reader.read();
    if (done) break;
    got.set(value, at);
    at += value.length;
  }
  assert.equal(at, n + 3);
  // (deepEqual's diff of 300 KiB arrays takes minutes: report the first wrong byte instead)
  assert.equal(got.subarray(0, n).findIndex((b, i) => b !== expected[i]), -1, 'first byte that changed');
  assert.deepEqual([...got.subarray(n)], [0, 0, 0]);
  socket.close();
  await socket.closed;
  session.close();
});
