// The uplink's rate (liveness.js UplinkRate): the deadlines' backlog allowance scales to what
// the gateway has acknowledged lately, and batches stay small until that rate is known.
import test from 'node:test';
import assert from 'node:assert/strict';
import { UplinkRate, SLOW_START_BATCH_BYTES, answerDeadline, probeDeadline, livenessPlan } from '../src/liveness.js';

const BACKLOG = 131072 + 32768;

test('until the uplink shows its rate the backlog gets 1 ms per 32 bytes and batches are 32 KiB', () => {
  const uplink = new UplinkRate();
  assert.equal(uplink.millisFor(BACKLOG), 5120);
  assert.equal(uplink.known, false);
  assert.equal(uplink.batchLimit(131072), SLOW_START_BATCH_BYTES);
  assert.equal(uplink.batchLimit(16384), 16384, 'never over the gateway\'s maxMessage');
});

test('a link that carried a megabyte a second finds a blackhole in under two seconds', () => {
  const plan = livenessPlan({ heartbeatMs: 25000, timeoutMs: 30000 }, { ackTimeoutMs: 1000 });
  const uplink = new UplinkRate();
  uplink.observe(0, 0);
  uplink.observe(1_000_000, 1000);
  assert.equal(uplink.known, true);
  assert.equal(uplink.batchLimit(131072), 131072, 'whole batches once the rate is known');
  assert.equal(answerDeadline(plan, 1 << 20, 131072, undefined, uplink), 1000 + Math.ceil(BACKLOG / 250));
  assert.ok(answerDeadline(plan, 1 << 20, 131072, undefined, uplink) < 2000);
  assert.equal(probeDeadline(plan, 1 << 20, 131072, uplink), plan.probeTimeoutMs + Math.ceil(BACKLOG / 250));
  assert.equal(answerDeadline(plan, 1 << 20, 131072), 1000 + 5120, 'without a rate: the floor, as before');
});

test('seconds with nothing acknowledged leave the rate, so a dead link\'s deadline does not grow', () => {
  const uplink = new UplinkRate();
  uplink.observe(0, 0);
  uplink.observe(1_000_000, 1000);
  uplink.observe(1_000_000, 2000);
  uplink.observe(1_000_000, 3000);
  assert.equal(uplink.bytesPerMs, 1000);
  const late = new UplinkRate();
  late.observe(0, 0);
  late.observe(64, 5000); // one ACK after 5 s of nothing: not a sample of the rate
  assert.equal(late.known, false);
  assert.equal(late.bytesPerMs, 32);
});

test('a slower link pulls the rate down a fifth per second, and each false death too, to the floor', () => {
  const uplink = new UplinkRate();
  uplink.observe(0, 0);
  uplink.observe(1_000_000, 1000);
  uplink.observe(1_010_000, 2000); // 10 bytes per ms now
  assert.equal(uplink.bytesPerMs, 800);
  uplink.transportDied();
  assert.equal(uplink.bytesPerMs, 640);
  for (let i = 0; i < 40; i++) uplink.transportDied();
  assert.equal(uplink.bytesPerMs, 32, 'never below the floor');
});
