/**
 * The browser benchmark in its CI size (--tiny: 1 MiB, 50 round trips, one repeat): every
 * js-client transport and websockify's raw WebSocket report positive figures, and every bulk
 * transfer arrived byte for byte (the script checks SHA-256 and marks the row).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, JAR, removeDir, requireBinaries, tempDir } from './harness.js';

const ROUTES = ['websocket', 'xhr-streaming', 'eventsource', 'htmlfile', 'xhr-polling', 'jsonp-polling', 'websockify (raw WebSocket)'];

test('the browser benchmark reports every transport and websockify with exact bytes', { timeout: 180000 }, (t) => {
  if (!requireBinaries(t, { '/usr/bin/websockify': 'websockify' })) return;
  const dir = tempDir('browser-bench');
  t.after(() => removeDir(dir));
  const json = path.join(dir, 'tiny.json');
  const run = spawnSync(process.execPath, [path.join(EXAMPLES, 'benchmark', 'browser-bench.mjs'), '--tiny', '--jar', JAR,
    '--json', json, '--timeout', '150'], { encoding: 'utf8', timeout: 170000 });
  assert.equal(run.status, 0, `browser-bench failed:\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(report.rows.map((r) => r.route), ROUTES);
  assert.deepEqual(report.pageErrors, []);
  for (const r of report.rows) {
    assert.equal(r.checksumsOk, true, `${r.route}: ${r.errors.join('; ')}`);
    assert.equal(r.bytes, 1024 * 1024, r.route);
    for (const key of ['downMBps', 'upMBps', 'rttP50Ms', 'rttP99Ms']) assert.ok(r[key] > 0, `${r.route} ${key} = ${r[key]}`);
    assert.ok(r.rttP99Ms >= r.rttP50Ms, `${r.route}: p99 ${r.rttP99Ms} below p50 ${r.rttP50Ms}`);
    assert.equal(r.repeats.p50.length, 1, r.route);
  }
  assert.match(run.stdout, /\| websocket \| 1 MiB \| [\d.]+ \| [\d.]+ \|/);
  if (existsSync('/proc/self/task')) {
    // the gateway's JIT compiler threads are split from its own CPU (session 6): both present,
    // and the gateway moved the bytes, so its own share is not zero
    const cpu = report.rows[0].cpuMsPerMB.down;
    assert.ok(cpu['gateway JIT'] >= 0, `websocket down: gateway JIT = ${cpu['gateway JIT']}`);
    assert.ok(cpu.gateway > 0, `websocket down: gateway = ${cpu.gateway}`);
    assert.match(run.stdout, /\| route \| dir \| gateway \| gateway JIT \|/);
  }
});
