import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TCPSocket } from '../src/tcp-socket.js';
import { answerDeadline, livenessPlan, probeDeadline } from '../src/liveness.js';
import { fakeSession, randomBytes, until } from './helpers/util.js';

// The gap ChaosIT found (issue 11): a downstream that dies while the client waits for credit,
// everything it sent acknowledged, was found only by the silence deadline. The client now
// probes a quiet downstream while it waits (docs/PROTOCOL.md "Liveness").

const FAST = {
  probeAfterMs: 40, probeTimeoutMs: 80, deadAfterMs: 60000, ackTimeoutMs: 60000,
  reattachTimeoutMs: 30, reattachMaxDelayMs: 5,
};

/** A socket to a backend that never reads, with more written than the window: the rest waits for credit. */
async function waitingForCredit(gatewayOptions = {}, options = FAST) {
  const { gateway, session } = fakeSession({ window: 4096, backends: { sink: 'sink' }, ...gatewayOptions }, options);
  const socket = new TCPSocket('sink', undefined, { session });
  await socket.opened;
  socket.send(randomBytes(10000, 5));
  await until(() => session.channels.waitingForGateway && !session.link.awaitingAck, 'the writer to wait for credit, all acknowledged');
  return { gateway, session, socket };
}

test('the probe deadlines: 1 s of quiet, then 2.5 s for the answer (htmlfile 2 s), plus 1 ms per 32 bytes outstanding up to a batch and 32 KiB', () => {
  const plan = livenessPlan({ heartbeatMs: 25000, timeoutMs: 30000 });
  assert.deepEqual([plan.probeAfterMs, plan.probeTimeoutMs], [1000, 2500]);
  assert.equal(livenessPlan(null, {}, { deadAfterMs: 10000, ackTimeoutMs: 2000 }).probeTimeoutMs, 2000);
  assert.equal(probeDeadline(plan, 32000, 131072), 3500);
  assert.equal(probeDeadline(plan, 1 << 20, 131072), 7620, 'only one batch and the ACK interval count, not a whole grown window');
  assert.equal(livenessPlan(null, { probeAfterMs: 7, probeTimeoutMs: 9 }).probeTimeoutMs, 9);
});

test('the answer deadline counts one batch and one ACK interval outstanding, not a whole grown window', () => {
  const plan = livenessPlan(null, {}, { deadAfterMs: 10000, ackTimeoutMs: 1000 });
  assert.equal(answerDeadline(plan, 32768, 131072), 2024, '1 ms per 32 bytes');
  assert.equal(answerDeadline(plan, 1 << 20, 98304), 5096, 'a blackhole with 1 MiB outstanding is found in 5.1 s, not 33.8 s');
});

test('a downstream blackholed while the client waits for credit is probed and replaced, and the session carries on', async () => {
  const { gateway, session } = await waitingForCredit();
  const reasons = [];
  session.addEventListener('reconnecting', (e) => reasons.push(e.reason));
  const attaches = gateway.attaches;
  gateway.blackholeDownstream();
  await until(() => reasons.length > 0, 'the probe deadline (the silence deadline is a minute away)');
  assert.match(reasons[0], /a probe got no answer for \d+ ms/);
  await until(() => session.state === 'open' && gateway.attaches > attaches, 'the reattach');
  assert.deepEqual(gateway.errors, []);
  session.close();
});

test('a healthy downstream answers every probe: the transport stays while the client waits', async () => {
  const { gateway, session } = await waitingForCredit();
  const reasons = [];
  session.addEventListener('reconnecting', (e) => reasons.push(e.reason));
  const before = gateway.heartbeats;
  await until(() => gateway.heartbeats >= before + 3, 'three probes');
  assert.deepEqual(reasons, [], 'an answered probe keeps the transport');
  assert.equal(gateway.attaches, 1);
  session.close();
});

test('an idle session sends no probes, and neither does one whose gateway does not announce them', async () => {
  const idle = fakeSession({}, FAST);
  const socket = new TCPSocket('echo', undefined, { session: idle.session });
  await socket.opened;
  await until(() => !idle.session.link.awaitingAck, 'everything acknowledged');
  const before = idle.gateway.heartbeats;
  await new Promise((r) => setTimeout(r, 300)); // several probe intervals
  assert.ok(idle.gateway.heartbeats <= before + 1, `an idle session probes at most once after its traffic stopped, got ${idle.gateway.heartbeats - before}`);
  idle.session.close();

  const { gateway, session } = await waitingForCredit({ answersProbes: false });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(gateway.heartbeats, 0, 'an older gateway would not answer: no probes, no false deaths');
  assert.equal(gateway.attaches, 1);
  session.close();
});
