/**
 * What every example test needs: real processes (the server, the gateway jar) started on
 * loopback in their own process group and stopped by that group's id even when the test fails,
 * a headless Chromium that is never downloaded, and line readers for the second client.
 */

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, copyFileSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const JAR = process.env.COMETGATE_JAR ?? path.join(ROOT, 'gateway', 'target', 'cometgate.jar');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

/**
 * The binaries a test needs. Missing ones fail the test under CI=true (the CI image installs
 * them), and skip it elsewhere with the apt-get line that installs them.
 * @param {import('node:test').TestContext} t
 * @param {Record<string, string>} binaries path -> Debian package
 * @returns {boolean} true if the test may go on
 */
export function requireBinaries(t, binaries) {
  const missing = Object.entries(binaries).filter(([file]) => !existsSync(file));
  const needJar = !existsSync(JAR);
  if (needJar) throw new Error(`${JAR} is missing: build it first with 'mvn -q -pl gateway package -DskipTests'`);
  if (!existsSync(CHROMIUM)) missing.push([CHROMIUM, 'chromium']);
  if (missing.length === 0) return true;
  const what = `${missing.map(([f]) => f).join(', ')} not installed (apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})`;
  if (process.env.CI === 'true') throw new Error(what);
  t.skip(what);
  return false;
}

/** A private temp directory, removed by the returned cleanup. */
export function tempDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), `cometgate-${prefix}-`));
}

/** Fails with a clear message when a fixed example port is taken (another run, another program). */
export async function assertPortsFree(ports) {
  for (const port of ports) {
    const busy = await canConnect(port);
    if (busy) throw new Error(`127.0.0.1:${port} is already in use; the example's config uses it (stop whatever listens there)`);
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    // A connect to a port in Linux's ephemeral range (32768-60999) that nobody listens on yet
    // can be given that very port as its source and connect to itself (TCP simultaneous open):
    // it looks like a listener and takes the port from the server about to bind it. The
    // examples' ports are below that range for this reason; this guard keeps it from coming back.
    s.once('connect', () => { const self = s.localPort === port; s.destroy(); resolve(!self); });
    s.once('error', () => resolve(false));
  });
}

/** Resolves once 127.0.0.1:port accepts connections; rejects after `timeoutMs` or if `proc` exits. */
export async function waitForPort(port, proc, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${proc.label} exited (${proc.exitCode ?? proc.signalCode}) before listening on ${port}; log: ${proc.logFile}\n${tail(proc.logFile)}`);
    }
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`${proc.label} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms; log: ${proc.logFile}\n${tail(proc.logFile)}`);
}

function tail(file) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-25).join('\n'); } catch { return '(no log)'; }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a process in its own process group (so helpers it forks, e.g. epmd, stop with it),
 * output to `logFile`. Stop it with {@link stopProcess}.
 */
export function startProcess(label, command, args, { cwd, env, logFile, extraPipe = false }) {
  const out = openSync(logFile, 'a');
  // extraPipe: a pipe on fd 3, for programs that report where they listen there (Xvfb -displayfd 3).
  const stdio = extraPipe ? ['ignore', out, out, 'pipe'] : ['ignore', out, out];
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio, detached: true });
  proc.label = label;
  proc.logFile = logFile;
  proc.on('error', () => {});
  return proc;
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if anything of it is left. */
export async function stopProcess(proc, graceMs = 10000) {
  if (!proc || proc.pid === undefined) return;
  const group = -proc.pid;
  try { process.kill(group, 'SIGTERM'); } catch { return; }
  const end = Date.now() + graceMs;
  while (Date.now() < end) {
    try { process.kill(group, 0); } catch { return; }
    await sleep(100);
  }
  try { process.kill(group, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * {@link startProcess}, then {@link waitForPort}; if the port never opens the process (group) is
 * stopped before the error goes on, since the caller never gets a handle to stop it with.
 */
export async function startListening(label, command, args, options, port, timeoutMs = 60000) {
  const proc = startProcess(label, command, args, options);
  try {
    await waitForPort(port, proc, timeoutMs);
  } catch (err) {
    await stopProcess(proc);
    throw err;
  }
  return proc;
}

/**
 * Runs `start(started)`, which records each process it starts in `started` as soon as it has
 * one; if it throws, every recorded process is stopped, the last started first, before the
 * error goes on (a broker must not outlive a gateway that failed to start).
 */
export async function startAll(start) {
  const started = {};
  try {
    await start(started);
  } catch (err) {
    for (const proc of Object.values(started).reverse()) await stopProcess(proc);
    throw err;
  }
  return started;
}

/** Starts `java -jar cometgate.jar serve` with the example's policy and its page directory. */
export async function startGateway({ policy, staticDir, port, dir }) {
  return startListening('cometgate', 'java', ['-jar', JAR, 'serve', '--listen', `127.0.0.1:${port}`,
    '--policy', policy, '--static', staticDir, '--drain-timeout', '1s'], { cwd: dir, logFile: path.join(dir, 'gateway.log') }, port);
}

/** Headless Chromium from the system (never downloaded). */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** Copies `file` into `dir` unchanged (so relative paths in it resolve there). */
export function copyInto(file, dir) {
  const to = path.join(dir, path.basename(file));
  copyFileSync(file, to);
  return to;
}

export function removeDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Runs the gateway's cert command (CA and certificates are made at test time, never committed). */
export function cometgateCert(args, cwd) {
  execFileSync('java', ['-jar', JAR, 'cert', ...args], { cwd, stdio: 'pipe' });
}

/**
 * Buffers a byte stream and hands out delimited records (lines, NUL-terminated frames):
 * `next(pred)` resolves with the first record, old or new, that matches.
 */
export class RecordReader {
  /**
   * @param {import('node:stream').Readable} stream
   * @param {string} separator
   */
  constructor(stream, separator) {
    this.buffer = '';
    this.records = [];
    this.waiters = [];
    this.separator = separator;
    this.ended = false;
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      this.buffer += chunk;
      let at;
      while ((at = this.buffer.indexOf(separator)) >= 0) {
        this.records.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + separator.length);
      }
      this.wake();
    });
    stream.on('close', () => { this.ended = true; this.wake(); });
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  /**
   * @param {(record: string) => boolean} pred
   * @param {string} what for the error message
   * @param {number} timeoutMs
   * @returns {Promise<string>}
   */
  next(pred, what, timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.records.findIndex(pred);
        if (i >= 0) {
          const [rec] = this.records.splice(0, i + 1).slice(-1);
          done();
          resolve(rec);
        } else if (this.ended) {
          done();
          reject(new Error(`connection closed while waiting for ${what}; last records: ${JSON.stringify(this.records.slice(-5))}`));
        }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}; last records: ${JSON.stringify(this.records.slice(-5))}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }
}

/**
 * Runs `body`; if it throws, the error gains what the page showed (#status, the last log lines)
 * and the tails of the given log files, so a CI failure explains itself.
 */
export async function explained(getPage, logFiles, body) {
  try {
    await body();
  } catch (err) {
    let shown = '';
    const page = getPage();
    if (page) {
      shown = await page.evaluate(() => {
        const status = document.getElementById('status')?.textContent ?? '';
        const lines = [...document.querySelectorAll('#log > *')].slice(-15).map((d) => d.textContent);
        return `page status: ${status}\npage log:\n  ${lines.join('\n  ')}`;
      }).catch((e) => `(page unavailable: ${e.message})`);
    }
    const logs = logFiles.map((f) => `--- ${f}\n${tail(f)}`).join('\n');
    err.message = `${err.message}\n${shown}\n${logs}`;
    throw err;
  }
}
