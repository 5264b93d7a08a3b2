/** ReconnectPacing: the attempt deadline, and the verdict after a failed attempt (give up, or retry when). */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconnectPacing } from '../src/reconnect-pacing.js';
import { TransportChoice } from '../src/transport-choice.js';
import { livenessPlan } from '../src/liveness.js';
import { CloseCode } from '../src/codes.js';

const GATEWAY = 'http://127.0.0.1:9/cometgate';
/** The defaults: reattach attempts 2000 ms, at most 500 ms apart, give up after 35 s of silence. */
const plan = livenessPlan(null, {});

/** @param {string[]} names */
function pacingOver(names, options = {}) {
  const transportClasses = names.map((transportName) => ({ transportName, isAvailable: () => true }));
  const choice = new TransportChoice(/** @type {any} */ ({ transportClasses, rememberTransport: false }), GATEWAY);
  return { choice, pacing: new ReconnectPacing(options, choice, GATEWAY) };
}

/** @param {ReconnectPacing} pacing @param {TransportChoice} choice it attached after about `ms` */
function attachTook(pacing, choice, ms) {
  pacing.attemptStarts(plan);
  pacing.attemptStartedAt -= ms;
  pacing.attached();
  choice.worked(choice.current);
}

test('a first attempt gets connectTimeoutMs; a reattach gets three times the last attach, within bounds', () => {
  const { choice, pacing } = pacingOver(['a'], { connectTimeoutMs: 10000 });
  assert.equal(pacing.attemptStarts(plan), 10000);
  attachTook(pacing, choice, 100);
  assert.equal(pacing.attemptStarts(plan), plan.reattachTimeoutMs, 'a quick network still gets the floor');
  attachTook(pacing, choice, 1500);
  const ms = pacing.attemptStarts(plan);
  assert.ok(ms >= 4500 && ms < 4600, `3 x 1500 ms, got ${ms}`);
  attachTook(pacing, choice, 9000);
  assert.equal(pacing.attemptStarts(plan), 10000, 'never beyond connectTimeoutMs');
});

test('a refusal the gateway means is final ends the session at once, whatever the choice', () => {
  const { choice, pacing } = pacingOver(['a', 'b']);
  assert.deepEqual(pacing.afterFailure({ reason: 'forbidden', status: 403 }, false, plan),
    { code: CloseCode.POLICY_VIOLATION, reason: 'the gateway refused this page: forbidden' });
  assert.equal(choice.failures, 0, 'a final refusal is not counted as a failed candidate');
});

test('the first walk down the list goes at once; then backoff; every candidate failing twice gives up', () => {
  const { pacing } = pacingOver(['a', 'b'], { minDelayMs: 250, maxDelayMs: 10000 });
  const down = { reason: 'connection refused' };
  assert.deepEqual(pacing.afterFailure(down, false, plan), { delayMs: 0 });
  const second = /** @type {{delayMs: number}} */ (pacing.afterFailure(down, false, plan));
  assert.ok(second.delayMs >= 250 && second.delayMs <= 500, `backoff after the first walk, got ${second.delayMs}`);
  pacing.afterFailure(down, false, plan);
  assert.deepEqual(pacing.afterFailure(down, false, plan), {
    code: CloseCode.ABNORMAL, reason: `could not reach the gateway at ${GATEWAY} with a, b: connection refused`,
  });
});

test('a session that had a transport retries at least every reattachMaxDelayMs until the gateway must have dropped it', () => {
  const { choice, pacing } = pacingOver(['a'], { minDelayMs: 5000, maxDelayMs: 60000 });
  attachTook(pacing, choice, 100);
  assert.deepEqual(pacing.afterFailure({ reason: 'cut' }, true, plan), { delayMs: 0 }, 'a drop retries at once');
  for (let i = 0; i < 5; i++) {
    const next = /** @type {{delayMs: number}} */ (pacing.afterFailure({ reason: 'timeout' }, false, plan));
    assert.ok(next.delayMs <= plan.reattachMaxDelayMs, `attempt ${i}: ${JSON.stringify(next)}`);
  }
  pacing.lastHeardAt = Date.now() - plan.giveUpAfterMs - 1;
  assert.deepEqual(pacing.afterFailure({ reason: 'timeout' }, false, plan), {
    code: CloseCode.SESSION_EXPIRED, reason: `nothing heard from the gateway for ${plan.giveUpAfterMs} ms: timeout`,
  });
});
