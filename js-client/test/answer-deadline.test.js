import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerTime, ANSWER_FLOOR_MS, answerDeadline, livenessPlan } from '../src/liveness.js';
import { TransportWatch } from '../src/transport-watch.js';
import { postTimeout } from '../src/transports/base.js';

/** A streaming transport's class as TransportWatch sees it (not a long poll). */
class Stream {}

/**
 * A TransportWatch over a stand-in session: `link` is what the reliable link reports.
 * @param {number} ackTimeoutMs
 */
function watched(ackTimeoutMs) {
  const link = { ackedSeq: 0, awaitingAck: false, unackedBytes: 0, sending: false };
  /** @type {string[]} */
  const dead = [];
  const watch = new TransportWatch({ ackTimeoutMs, probeAfterMs: 60000 }, {
    hello: () => ({ heartbeatMs: 25000, timeoutMs: 30000, maxMessage: 131072, probe: true }),
    link: () => /** @type {any} */ (link),
    dead: (_t, reason) => dead.push(reason),
    waiting: () => false,
    probe: () => {},
  });
  const t = new Stream();
  watch.start(/** @type {any} */ (t), 60000);
  watch.proven();
  return { link, dead, watch, t: /** @type {any} */ (t) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('an upload whose ACK never comes is dead even while the downstream keeps talking', async () => {
  const { link, dead, watch, t } = watched(80);
  link.awaitingAck = true;
  link.unackedBytes = 100;
  watch.sent(t, 100);
  // The downstream answers with HEARTBEATs (its own connection, alive); the upload is blackholed.
  for (let i = 0; i < 15 && dead.length === 0; i++) {
    await sleep(20);
    watch.heard(t);
    watch.batchHandled(t);
  }
  watch.stop();
  assert.equal(dead.length, 1, 'replaced although batches kept coming down');
  assert.match(dead[0], /sent frames got no answer for \d+ ms/);
});

test('an ACK that advances keeps the transport while more is owed', async () => {
  const { link, dead, watch, t } = watched(80);
  link.awaitingAck = true;
  link.unackedBytes = 100;
  watch.sent(t, 100);
  for (let i = 0; i < 10; i++) {
    await sleep(20);
    link.ackedSeq++;
    watch.heard(t);
    watch.batchHandled(t);
  }
  watch.stop();
  assert.deepEqual(dead, []);
});

test('the answer deadline scales to the answer times the link has shown, within the floor and the plan', () => {
  const plan = livenessPlan({ heartbeatMs: 25000, timeoutMs: 30000 });
  const answers = new AnswerTime();
  assert.equal(answerDeadline(plan, 0, 131072, answers), 5000, 'no sample yet: the plan stands');
  for (let i = 0; i < 50; i++) answers.sample(20 + (i % 3));
  assert.equal(answerDeadline(plan, 0, 131072, answers), ANSWER_FLOOR_MS, 'answers in 20 ms: the floor');
  const slow = new AnswerTime();
  for (let i = 0; i < 100; i++) slow.sample(i % 2 === 0 ? 600 : 1000);
  const base = slow.deadline(5000);
  assert.ok(base >= 1200 && base <= 1800, `about 800 + 4 x 200 ms: ${base}`);
  const late = new AnswerTime();
  for (let i = 0; i < 50; i++) late.sample(100);
  late.sample(1500);
  assert.ok(late.deadline(5000) > 1500, 'one late answer widens it at once');
  assert.equal(late.deadline(1000), 1000, 'never over the plan (or a tuned ackTimeoutMs)');
});

test('a POST gets the answer deadline for its size, scaled to the link and capped by requestTimeoutMs', () => {
  const { watch, t } = watched(5000);
  const batch = 131072;
  // Until the uplink's rate is known batches are 32 KiB: the backlog is one of them and an ACK
  // interval, at 1 ms per 32 bytes.
  assert.equal(watch.answerMs(t, batch), 5000 + 2048, 'no answer seen yet: the plan base + 64 KiB at 1 ms per 32 bytes');
  for (let i = 0; i < 20; i++) watch.answers.sample(10);
  assert.equal(watch.answerMs(t, batch), ANSWER_FLOOR_MS + 2048, 'a fast link: the floor + the backlog');
  assert.equal(postTimeout({ requestTimeoutMs: 3000, postTimeoutMs: (b) => watch.answerMs(t, b) }, batch), 3000);
  watch.uplink.observe(0, 0);
  watch.uplink.observe(1_000_000, 1000);
  assert.equal(watch.answerMs(t, batch), ANSWER_FLOOR_MS + Math.ceil(131072 / 250),
    'a megabyte a second acknowledged: whole batches, at a quarter of that rate');
  assert.equal(postTimeout({ requestTimeoutMs: 40000 }, batch), 40000, 'no deadline known: requestTimeoutMs');
});
