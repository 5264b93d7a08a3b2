/**
 * The browser benchmark's child processes (the gateway jar, websockify): each started in its
 * own process group and stopped by that group's id, never by name.
 */

import { spawn } from 'node:child_process';
import net from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @returns {Promise<number>} a loopback port that was free a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Child processes, each in its own process group, stopped by that group's id. */
const children = [];

/** Starts `command` in a process group of its own, its output kept for error messages. */
export function start(label, command, args) {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.label = label;
  child.log = '';
  child.stdout.on('data', (d) => { child.log += d; });
  child.stderr.on('data', (d) => { child.log += d; });
  child.exited = new Promise((resolve) => child.on('exit', resolve));
  child.on('error', (e) => { child.log += `\n${e.message}`; });
  children.push(child);
  return child;
}

/** Resolves once `ready()` is true; fails with the child's log if it exits or takes too long. */
export async function waitFor(child, ready, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await ready()) return;
    await sleep(100);
  }
  throw new Error(`${child.label} did not start:\n${child.log.slice(-3000)}`);
}

export function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function killGroup(child, signal) {
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

// Whatever way this process ends (an exception, a closed output pipe, Ctrl-C), its children go too.
process.on('exit', () => { for (const c of children) killGroup(c, 'SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(1));

/** SIGTERM to every group, SIGKILL to what is left after 5 s. */
export async function stopChildren() {
  for (const c of children) killGroup(c, 'SIGTERM');
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(5000)]);
  for (const c of children) killGroup(c, 'SIGKILL');
}
