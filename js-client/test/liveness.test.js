import { test } from 'node:test';
import assert from 'node:assert/strict';
import { livenessPlan, PARTITION_MARGIN_MS } from '../src/liveness.js';
import { TCPSocket } from '../src/tcp-socket.js';
import { fakeSession, randomBytes, readBytes, until } from './helpers/util.js';

test('the silence deadline follows HELLO: before the session timeout minus the margin, never before a healthy transport may be silent', () => {
  assert.equal(PARTITION_MARGIN_MS, 5000);
  const table = [
    // heartbeatMs, timeoutMs -> deadAfterMs for a stream, for a long poll; giveUpAfterMs
    [25000, 30000, 28500, 26000, 35000], // the defaults: timeout - margin is below what an idle transport may be silent
    [10000, 30000, 15000, 15000, 35000], // room enough: heartbeat + 5 s
    [10000, 13000, 12000, 11000, 18000], // a short timeout: the silence a healthy transport may show, plus 1 s
    [25000, 60000, 30000, 30000, 65000],
  ];
  const poll = { attachesOnStart: true };
  for (const [heartbeatMs, timeoutMs, stream, polls, giveUp] of table) {
    const plan = livenessPlan({ heartbeatMs, timeoutMs });
    assert.deepEqual([plan.deadAfterMs, plan.giveUpAfterMs], [stream, giveUp], `stream ${heartbeatMs}/${timeoutMs}`);
    const p = livenessPlan({ heartbeatMs, timeoutMs }, {}, poll);
    assert.deepEqual([p.deadAfterMs, p.pollTimeoutMs], [polls, polls], `poll ${heartbeatMs}/${timeoutMs}`);
  }
  assert.equal(livenessPlan(null).deadAfterMs, 28500, 'before HELLO the gateway defaults are assumed');
  assert.equal(livenessPlan(null, {}, { deadAfterMs: 10000, ackTimeoutMs: 2000 }).deadAfterMs, 10000, 'a transport may be stricter');
  assert.equal(livenessPlan(null, {}, { deadAfterMs: 10000, ackTimeoutMs: 2000 }).ackTimeoutMs, 2000);
  assert.equal(livenessPlan({ heartbeatMs: 25000, timeoutMs: 30000 }, { deadAfterMs: 1234 }).deadAfterMs, 1234);
});

test('a silent partition while data is in flight: noticed by the missing answer, retried, nothing lost after healing', async () => {
  const { gateway, session } = fakeSession({}, {
    ackTimeoutMs: 40, deadAfterMs: 60000, reattachTimeoutMs: 30, reattachMaxDelayMs: 5,
  });
  const socket = new TCPSocket('echo', undefined, { session });
  const { readable } = await socket.opened;
  const reasons = [];
  session.addEventListener('reconnecting', (e) => reasons.push(e.reason));
  const payload = randomBytes(20000, 11);
  gateway.partition();
  const startsBefore = gateway.starts;
  socket.send(payload);
  await until(() => session.state === 'reconnecting', 'the session to notice the partition');
  assert.match(reasons[0], /sent frames got no answer for \d+ ms/);
  // Attempts keep coming while the network is down (each abandoned after reattachTimeoutMs).
  await until(() => gateway.starts - startsBefore >= 5, 'several reattach attempts during the partition');
  assert.equal(session.state, 'reconnecting');
  gateway.heal();
  const echoed = await readBytes(readable, payload.length);
  assert.ok(Buffer.from(echoed).equals(Buffer.from(payload)), 'bytes lost, duplicated or reordered');
  assert.equal(session.state, 'open');
  assert.deepEqual(gateway.errors, []);
  session.close();
});

test('an idle transport that stops hearing anything is replaced after the silence deadline', async () => {
  const { gateway, session } = fakeSession({}, { deadAfterMs: 80, reattachTimeoutMs: 30, reattachMaxDelayMs: 5 });
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  const reasons = [];
  session.addEventListener('reconnecting', (e) => reasons.push(e.reason));
  gateway.partition();
  await until(() => reasons.length > 0, 'the silence deadline');
  assert.match(reasons[0], /nothing received for 80 ms/);
  gateway.heal();
  await until(() => session.state === 'open', 'the reattach');
  socket.send('x');
  assert.equal(new TextDecoder().decode(await readBytes(socket.readable, 1)), 'x');
  session.close();
});

test('a session that hears nothing for timeoutMs + margin gives up with 4007', { timeout: 20000 }, async () => {
  const { gateway, session } = fakeSession({ timeoutMs: 100, heartbeatMs: 50 }, {
    deadAfterMs: 50, reattachTimeoutMs: 50, reattachMaxDelayMs: 20,
  });
  const socket = new TCPSocket('echo', undefined, { session });
  await socket.opened;
  gateway.partition();
  await assert.rejects(socket.closed, (e) => e.code === 4007 && /nothing heard from the gateway for 5100 ms/.test(e.reason));
});
