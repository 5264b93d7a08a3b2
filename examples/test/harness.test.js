// The harness's own promise: a test that fails while starting its servers leaves no process
// behind (issue 11: the STOMP test left rabbitmq-server running when its gateway did not start).
// Plain `sleep` processes stand in for the servers: what is checked is the stopping, by PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startProcess, startListening, startAll, stopProcess, tempDir, removeDir } from './harness.js';

/** A loopback port nobody listens on: bound, then released. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function alive(proc) {
  try { process.kill(-proc.pid, 0); return true; } catch { return false; }
}

test('a process whose port never opens is stopped before startListening rejects', async (t) => {
  const tmp = tempDir('harness');
  t.after(() => removeDir(tmp));
  const port = await closedPort();
  // The shell writes its PID (the process group's id) before it becomes the sleeper.
  await assert.rejects(startListening('sleeper', 'sh', ['-c', 'echo $$ > pid; exec sleep 60'],
    { cwd: tmp, logFile: path.join(tmp, 'sleeper.log') }, port, 1000), /did not listen on 127\.0\.0\.1:\d+ within 1000 ms/);
  const pid = Number(readFileSync(path.join(tmp, 'pid'), 'utf8').trim());
  assert.ok(pid > 0);
  assert.equal(alive({ pid }), false, `sleeper (pid ${pid}) still running`);
});

test('startAll stops what started before the failing step, the last started first', async (t) => {
  const tmp = tempDir('harness');
  let broker;
  t.after(async () => { await stopProcess(broker); removeDir(tmp); });
  const port = await closedPort();
  await assert.rejects(startAll(async (started) => {
    started.broker = broker = startProcess('broker', 'sleep', ['60'], { cwd: tmp, logFile: path.join(tmp, 'broker.log') });
    started.gateway = await startListening('gateway', 'sleep', ['60'], { cwd: tmp, logFile: path.join(tmp, 'gateway.log') }, port, 300);
  }), /gateway did not listen/);
  assert.equal(alive(broker), false, `broker (pid ${broker.pid}) still running`);
});
