/**
 * The real-browser test bench: test backends on loopback, a TCP proxy that can cut every
 * connection between browser and gateway, the gateway jar as a child process, and Chromium
 * driven by playwright-core. Everything listens on 127.0.0.1 and is stopped by PID.
 */

import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {Promise<number>} a port that was free a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {(socket: net.Socket) => void} onConnection
 * @returns {Promise<{server: net.Server, port: number, sockets: Set<net.Socket>}>}
 */
function listen(onConnection) {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, port: /** @type {net.AddressInfo} */ (server.address()).port, sockets });
  }));
}

/**
 * Backends: `echo` echoes; `bye` says "bye\n" and closes; `quit` answers its first bytes with
 * "+OK\r\n" and closes at once (Redis QUIT); `watch` notes when its connection ends; `flood` writes `floodTotal` bytes as
 * fast as TCP lets it and counts what the kernel took; `sink` never reads and counts nothing.
 */
export async function startBackends({ floodTotal = 64 * 1024 * 1024 } = {}) {
  const stats = { floodFlushed: 0, floodConnections: 0, sinkConnections: 0, watchEnds: /** @type {number[]} */ ([]) };
  const echo = await listen((s) => s.pipe(s));
  const bye = await listen((s) => s.end('bye\n'));
  const quit = await listen((s) => s.once('data', () => s.end('+OK\r\n')));
  // `watch` notes when the gateway ends its connection (FIN or reset): the page went away.
  const watch = await listen((s) => {
    s.resume();
    const ended = () => { if (!s.noted) { s.noted = true; stats.watchEnds.push(Date.now()); } };
    s.on('end', ended).on('close', ended);
  });
  const flood = await listen((s) => {
    stats.floodConnections++;
    stats.floodFlushed = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let written = 0;
    const pump = () => {
      while (written < floodTotal && !s.destroyed) {
        written += chunk.length;
        const ok = s.write(chunk, () => { stats.floodFlushed += chunk.length; });
        if (!ok) { s.once('drain', pump); return; }
      }
    };
    s.resume(); // discard anything the page sends
    pump();
  });
  const sink = await listen((s) => {
    stats.sinkConnections++;
    s.pause(); // never read: the gateway's writes fill the kernel buffers, then it withholds credit
  });
  const all = [echo, bye, quit, watch, flood, sink];
  return {
    ports: { echo: echo.port, bye: bye.port, quit: quit.port, watch: watch.port, flood: flood.port, sink: sink.port },
    stats,
    close() {
      for (const b of all) {
        for (const s of b.sockets) s.destroy();
        b.server.close();
      }
    },
  };
}

/**
 * A TCP proxy in front of the gateway, as a network between browser and gateway: `cutAll()`
 * resets every live connection (new ones keep working); `partition()` makes it silent, with no
 * RST and no FIN: nothing moves on any connection, and new ones get no answer. After `heal()`,
 * as with real packet loss, idle connections and new ones work at once, while those that
 * tried to send during the partition (and new ones whose handshake it swallowed) stay silent
 * `staleMs` longer, their retransmissions having backed off: a client that waits for them
 * instead of starting afresh is slow.
 * @param {number} targetPort
 * @param {{staleMs?: number}} [options]
 */
export async function startProxy(targetPort, { staleMs = 8000 } = {}) {
  const pairs = new Set();
  /** @type {Array<() => void>} connections whose handshake the partition swallowed */
  const held = [];
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();
  let cuts = 0;
  let partitioned = false;
  const later = (fn, ms) => {
    const timer = setTimeout(() => { timers.delete(timer); fn(); }, ms);
    timers.add(timer);
  };
  const join = (client) => {
    if (client.destroyed) return;
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, frozen: null };
    pairs.add(pair);
    const end = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    if (partitioned) freeze(pair);
  };
  /** Stops forwarding; what arrives is kept (the kernel would) and marks the pair as having tried. */
  const freeze = (pair) => {
    const frozen = { dirty: false, up: [], down: [] };
    frozen.onUp = (c) => { frozen.dirty = true; frozen.up.push(c); };
    frozen.onDown = (c) => { frozen.dirty = true; frozen.down.push(c); };
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.on('data', frozen.onUp);
    pair.upstream.on('data', frozen.onDown);
    // unpipe() left both paused: read on, so that what either side sends is seen (and kept).
    pair.client.resume();
    pair.upstream.resume();
    pair.frozen = frozen;
  };
  const thaw = (pair) => {
    const { frozen, client, upstream } = pair;
    if (!frozen || client.destroyed || upstream.destroyed) return;
    pair.frozen = null;
    client.off('data', frozen.onUp);
    upstream.off('data', frozen.onDown);
    for (const c of frozen.up) upstream.write(c);
    for (const c of frozen.down) client.write(c);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (partitioned) {
      client.pause();
      held.push(() => { client.resume(); join(client); });
    } else {
      join(client);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    get cuts() { return cuts; },
    get connections() { return pairs.size; },
    cutAll() {
      cuts++;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    partition() {
      partitioned = true;
      for (const pair of pairs) freeze(pair);
    },
    heal() {
      partitioned = false;
      for (const pair of pairs) {
        if (!pair.frozen) continue;
        if (pair.frozen.dirty) later(() => thaw(pair), staleMs);
        else thaw(pair);
      }
      for (const go of held.splice(0)) later(go, staleMs);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy(); }
      server.close();
    },
  };
}

/**
 * Writes the test policy and starts the gateway jar; resolves once it listens.
 * @param {{jar: string, port: number, proxyPort: number, backends: Record<string, number>, extraArgs?: string[]}} o
 */
export async function startGateway({ jar, port, proxyPort, backends, extraArgs = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'cometgate-js-'));
  const policy = join(dir, 'test.policy');
  const lines = [
    'cometgate-policy 1',
    `host 127.0.0.1:${port} 127.0.0.1:${proxyPort}`,
    `origin http://127.0.0.1:${port} http://127.0.0.1:${proxyPort}`,
    // Every page of the bench comes from one address; the default 120 opens a minute is for real users.
    'limit opens-per-ip-per-minute 100000',
  ];
  for (const [name, p] of Object.entries(backends)) {
    lines.push(`alias ${name} 127.0.0.1:${p} allow-loopback`);
    lines.push(`allow 127.0.0.1:${p} allow-loopback`);
  }
  writeFileSync(policy, `${lines.join('\n')}\n`);
  const args = ['-Xmx256m', '-jar', jar, 'serve', '--listen', `127.0.0.1:${port}`, '--policy', policy,
    '--transports', 'all', '--drain-timeout', '1s', '--log-level', process.env.COMETGATE_LOG_LEVEL ?? 'warn', ...extraArgs];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const started = await Promise.race([
    new Promise((resolve) => {
      const check = () => (log.includes('is listening on') ? resolve(true) : setTimeout(check, 100));
      check();
    }),
    exited.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(false), 30000)),
  ]);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(/** @type {number} */ (child.pid), 'SIGTERM');
      const killer = setTimeout(() => { try { process.kill(/** @type {number} */ (child.pid), 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!started) {
    await stop();
    throw new Error(`the gateway did not start (java ${args.join(' ')}):\n${log}`);
  }
  // Never leave a gateway behind if the test process dies.
  process.once('exit', () => { try { process.kill(/** @type {number} */ (child.pid), 'SIGKILL'); } catch { /* gone */ } });
  return { pid: child.pid, stop, log: () => log };
}

/** The browser: Debian's Chromium, never a downloaded one. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
    timeout: 60000,
  });
}
