#!/usr/bin/env node
/**
 * The browser benchmark (issue 13): headless Chromium drives js-client over every transport,
 * and a raw WebSocket through websockify, to the same backend in one run: bulk down and up
 * (MB/s, 1 MB = 10^6 bytes) and the 64 B round trip p50/p99; medians of --repeat runs, routes
 * interleaved within each repeat. Every bulk transfer is checked by SHA-256.
 *
 * Starts (loopback, free ports, stopped by process-group id at the end or after --timeout):
 * the backend (in this process, browser-bench-backend.mjs), the gateway jar with its own policy
 * and the page as --static, websockify, Debian's Chromium through playwright-core.
 *
 *   node examples/benchmark/browser-bench.mjs [--repeat 3] [--json FILE] [--tiny] ...   (--help)
 */

import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend, sourceDigest } from './browser-bench-backend.mjs';
import { canConnect, freePort, start, stopChildren, waitFor } from './browser-bench-processes.mjs';
import { printTable, printCpu, topFunctions } from './browser-bench-report.mjs';
import { cpuByRole, cpuDelta } from './browser-bench-cpu.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const MiB = 1024 * 1024;
const ALL_TRANSPORTS = ['websocket', 'xhr-streaming', 'eventsource', 'htmlfile', 'xhr-polling', 'jsonp-polling'];
const RAW = 'websockify (raw WebSocket)';

const USAGE = `usage: node examples/benchmark/browser-bench.mjs [options]
  --jar FILE            gateway jar (default: $COMETGATE_JAR or gateway/target/cometgate.jar)
  --repeat N            repeats; medians are printed (default 3)
  --ws-mib N            bulk size for websocket and websockify, MiB (default 64)
  --comet-mib N         bulk size for the Comet transports, MiB (default 16: they are slower)
  --round-trips N       64 B round trips per route and repeat (default 500)
  --warmup-mib N        before the first repeat, move N MiB down and up on every WebSocket
                        route, in rounds of the bulk size with round trips, not recorded: the
                        gateway's JIT compiles its bulk path there instead of inside the
                        measurements (default 1024; Comet routes: one round; 0 = none)
  --transports LIST     js-client transports (default ${ALL_TRANSPORTS.join(',')})
  --client NAME=DIR     also measure the js-client modules in DIR (e.g. js-client/src), served
                        from the page's origin, beside the jar's own client (repeatable)
  --gateway-arg ARG     extra argument for 'cometgate serve' (repeatable, e.g. --gateway-arg=--window=1m)
  --profile DIR         write Chromium CPU profiles of the bulk down and up on every route,
                        websockify's too (first repeat), to DIR and print their top functions
  --json FILE           write every figure as JSON
  --tiny                CI size: 1 MiB, 50 round trips, one repeat
  --timeout SECONDS     stop everything after this long (default 1800)`;

function parseArgs(argv) {
  const o = {
    jar: process.env.COMETGATE_JAR ?? path.join(ROOT, 'gateway', 'target', 'cometgate.jar'),
    repeat: 3, wsMiB: 64, cometMiB: 16, roundTrips: 500, warmupMiB: 1024, transports: ALL_TRANSPORTS,
    clients: [], gatewayArgs: [], profile: null, json: null, timeout: 1800,
  };
  const number = (flag, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) usage(`${flag} ${v}: must be a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=');
    const [flag, inline] = argv[i].startsWith('--') && eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case '--jar': o.jar = value(); break;
      case '--repeat': o.repeat = Math.round(number(flag, value())); break;
      case '--ws-mib': o.wsMiB = number(flag, value()); break;
      case '--comet-mib': o.cometMiB = number(flag, value()); break;
      case '--round-trips': o.roundTrips = Math.round(number(flag, value())); break;
      case '--warmup-mib': o.warmupMiB = Number(value()); if (!(o.warmupMiB >= 0)) usage(`--warmup-mib: must be 0 or more`); break;
      case '--transports': o.transports = value().split(',').filter(Boolean); break;
      case '--client': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq < 1 || !existsSync(path.join(v.slice(eq + 1), 'index.js'))) usage(`--client ${v}: expected NAME=DIR with DIR/index.js`);
        o.clients.push({ name: v.slice(0, eq), dir: path.resolve(v.slice(eq + 1)) });
        break;
      }
      case '--gateway-arg': o.gatewayArgs.push(value()); break;
      case '--profile': o.profile = path.resolve(value()); break;
      case '--json': o.json = path.resolve(value()); break;
      case '--tiny': Object.assign(o, { repeat: 1, wsMiB: 1, cometMiB: 1, roundTrips: 50, warmupMiB: 0 }); break;
      case '--timeout': o.timeout = number(flag, value()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: usage(`unknown option ${argv[i]}`);
    }
  }
  const unknown = o.transports.filter((t) => !ALL_TRANSPORTS.includes(t));
  if (unknown.length) usage(`--transports: unknown ${unknown.join(', ')} (known: ${ALL_TRANSPORTS.join(', ')})`);
  if (!existsSync(o.jar)) usage(`no gateway jar at ${o.jar} (build it: mvn -q -B -o -pl policy,gateway package -DskipTests)`);
  return o;
}

function usage(message) {
  console.error(`browser-bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** playwright-core from the repository's npm test suites (examples/test or js-client). */
function loadPlaywright() {
  for (const dir of ['examples/test', 'js-client']) {
    try {
      return createRequire(path.join(ROOT, dir, 'package.json'))('playwright-core');
    } catch { /* try the next */ }
  }
  usage("playwright-core is not installed: run 'npm ci' in examples/test");
  return null;
}

/** The page and the policy in a private directory; --client copies beside the page. */
function prepareSite(o, gatewayPort, backendPort) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cometgate-browser-bench-'));
  const site = path.join(dir, 'site');
  cpSync(path.join(HERE, 'browser-bench-page.js'), path.join(site, 'bench.js'));
  writeFileSync(path.join(site, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>cometgate browser bench</title><script type="module" src="/bench.js"></script>\n');
  for (const c of o.clients) cpSync(c.dir, path.join(site, 'clients', c.name), { recursive: true });
  const policy = path.join(dir, 'bench.policy');
  writeFileSync(policy, [
    'cometgate-policy 1',
    `host 127.0.0.1:${gatewayPort}`,
    `origin http://127.0.0.1:${gatewayPort}`,
    `alias bench 127.0.0.1:${backendPort} allow-loopback`,
    `allow 127.0.0.1:${backendPort} allow-loopback`,
    'limit opens-per-ip-per-minute 100000',
    '',
  ].join('\n'));
  return { dir, site, policy };
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * @param {Map<string, number>[]} samples CPU seconds by role, one map per repeat
 * @returns {Record<string, number>} median CPU milliseconds per MB (10^6 bytes) by role, and 'all'
 */
function cpuPerMB(samples, bytes) {
  const out = {};
  const roles = new Set(samples.flatMap((m) => [...m.keys()]));
  for (const r of roles) out[r] = median(samples.map((m) => m.get(r) ?? 0)) * 1000 / (bytes / 1e6);
  if (samples.length) out.all = median(samples.map((m) => [...m.values()].reduce((a, b) => a + b, 0))) * 1000 / (bytes / 1e6);
  return out;
}

/** Runs `fn` with a time limit, so one stuck transfer cannot hold the run. */
async function bounded(what, ms, fn) {
  let timer;
  try {
    return await Promise.race([fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const playwright = loadPlaywright();
  const started = new Date();
  const load0 = loadavg();
  const killer = setTimeout(async () => {
    console.error(`browser-bench: --timeout ${o.timeout} s reached; stopping everything`);
    await stopChildren();
    process.exit(1);
  }, o.timeout * 1000);
  killer.unref();

  const backend = await startBackend();
  const gatewayPort = await freePort();
  const site = prepareSite(o, gatewayPort, backend.port);
  let browser;
  try {
    const gateway = start('the gateway', 'java', ['-Xmx512m', '-jar', o.jar, 'serve', '--listen', `127.0.0.1:${gatewayPort}`,
      '--policy', site.policy, '--static', site.site, '--transports', 'all', '--no-demo', '--drain-timeout', '1s', '--log-level', 'warn', ...o.gatewayArgs]);
    const wsfyPort = await freePort();
    const wsfy = start('websockify', 'websockify', [`127.0.0.1:${wsfyPort}`, `127.0.0.1:${backend.port}`]);
    // The three start at once: on a busy machine each takes seconds.
    const launching = playwright.chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run'],
      timeout: 60000,
    });
    launching.then((b) => { browser = b; }, () => {});
    await Promise.all([waitFor(gateway, async () => gateway.log.includes('is listening on')), waitFor(wsfy, () => canConnect(wsfyPort))]);
    browser = await launching;
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${gatewayPort}/index.html`);
    await page.waitForFunction(() => window.bench !== undefined);
    const clients = [{ name: 'jar', url: '/cometgate.js' }, ...o.clients.map((c) => ({ name: c.name, url: `/clients/${c.name}/index.js` }))];
    for (const c of clients) await page.evaluate(([name, url]) => window.bench.load(name, url), [c.name, c.url]);

    const routes = [];
    for (const c of clients) {
      for (const t of o.transports) {
        routes.push({ name: clients.length > 1 ? `${t} [${c.name}]` : t, kind: 'cometgate', transport: t, client: c.name,
          bytes: Math.round((t === 'websocket' ? o.wsMiB : o.cometMiB) * MiB) });
      }
    }
    routes.push({ name: RAW, kind: 'raw', url: `ws://127.0.0.1:${wsfyPort}/`, bytes: Math.round(o.wsMiB * MiB) });

    const results = new Map(routes.map((r) => [r.name, { down: [], up: [], p50: [], p99: [], errors: [], cpu: { down: [], up: [] }, messages: { down: [], up: [] } }]));
    const roles = new Map([[gateway.pid, 'gateway'], [wsfy.pid, 'websockify']]);
    const countCpu = existsSync('/proc/self/stat');
    const stepMs = (bytes) => 60000 + bytes / 100; // at least 100 kB/s
    let cdp = null;
    // Warm-up: a gateway runs for days, so its compiled bulk path is what users get; a
    // cold JVM compiles during the first transfers (C2 took a core for seconds on this box).
    // WebSocket routes warm up on --warmup-mib whatever their measured size, in rounds of down,
    // up and the round trips, each on fresh sockets as a measured repeat is: one 64 MiB round was
    // ~500 messages each way, under C2's thresholds, and each new session's handshake sent the
    // HTTP path through the bulk path's compiled code (class_check deoptimizations), so the
    // gateway's compiler outspent its event loops in the measured transfers (session 6).
    if (o.warmupMiB > 0) {
      for (const route of routes) {
        const spec = { kind: route.kind, transport: route.transport, client: route.client, url: route.url };
        const comet = route.kind !== 'raw' && route.transport !== 'websocket';
        const bytes = Math.round(Math.min(route.bytes, o.warmupMiB * MiB));
        const rounds = comet ? 1 : Math.max(1, Math.round(o.warmupMiB * MiB / bytes));
        process.stderr.write(`browser-bench: warm-up ${route.name}, ${rounds} x ${bytes} B (load ${loadavg()})\n`);
        for (let round = 0; round < rounds; round++) {
          for (const dir of ['down', 'up']) {
            await bounded(`warm-up ${route.name} ${dir}`, stepMs(bytes),
              () => page.evaluate(([d, s, n]) => window.bench[d](s, n), [dir, spec, bytes])).catch((e) => {
              process.stderr.write(`browser-bench: warm-up ${route.name} ${dir}: ${e.message}\n`);
            });
          }
          await bounded(`warm-up ${route.name} round trips`, 120000 + o.roundTrips * 200,
            () => page.evaluate(([s, n]) => window.bench.rtt(s, n), [spec, Math.min(o.roundTrips, 100)])).catch((e) => {
            process.stderr.write(`browser-bench: warm-up ${route.name} round trips: ${e.message}\n`);
          });
        }
      }
    }
    for (let rep = 1; rep <= o.repeat; rep++) {
      for (const route of routes) {
        const res = results.get(route.name);
        const spec = { kind: route.kind, transport: route.transport, client: route.client, url: route.url };
        const profiling = o.profile && rep === 1;
        process.stderr.write(`browser-bench: repeat ${rep}/${o.repeat} ${route.name} (load ${loadavg()})\n`);
        try {
          for (const dir of ['down', 'up']) {
            if (profiling) {
              if (!cdp) {
                mkdirSync(o.profile, { recursive: true });
                cdp = await page.context().newCDPSession(page);
                await cdp.send('Profiler.enable');
              }
              await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
              await cdp.send('Profiler.start');
            }
            const cpu0 = countCpu ? cpuByRole(roles) : null;
            const r = await bounded(`${route.name} ${dir}`, stepMs(route.bytes),
              () => page.evaluate(([d, s, n]) => window.bench[d](s, n), [dir, spec, route.bytes]));
            if (cpu0) res.cpu[dir].push(cpuDelta(cpu0, cpuByRole(roles)));
            if (profiling) {
              const { profile } = await cdp.send('Profiler.stop');
              const file = path.join(o.profile, `${route.name.replace(/\W+/g, '-')}-${dir}.cpuprofile`);
              writeFileSync(file, JSON.stringify(profile));
              console.log(`profile ${file}:\n${topFunctions(profile).join('\n')}`);
            }
            const want = dir === 'down' ? sourceDigest(route.bytes) : r.want;
            if (r.sha !== want) throw new Error(`${dir}: SHA-256 ${r.sha} of the bytes that arrived, expected ${want}`);
            res[dir].push(route.bytes / 1e6 / (r.ms / 1000));
            res.messages[dir].push(r.messages);
          }
          const rt = await bounded(`${route.name} round trips`, 120000 + o.roundTrips * 200,
            () => page.evaluate(([s, n]) => window.bench.rtt(s, n), [spec, o.roundTrips]));
          if (rt.wrong > 0) throw new Error(`round trips: ${rt.wrong} of ${rt.count} echoes differed from what was sent`);
          res.p50.push(rt.p50);
          res.p99.push(rt.p99);
        } catch (e) {
          res.errors.push(`repeat ${rep}: ${e.message.split('\n')[0]}`);
          process.stderr.write(`browser-bench: ${route.name}: ${e.message}\n`);
        }
      }
    }

    const rows = routes.map((route) => {
      const r = results.get(route.name);
      const ok = r.errors.length === 0 && r.down.length === o.repeat;
      return {
        route: route.name, transport: route.transport ?? 'raw-websocket', client: route.client ?? null,
        bytes: route.bytes, roundTrips: o.roundTrips, checksumsOk: ok,
        downMBps: ok ? median(r.down) : null, upMBps: ok ? median(r.up) : null,
        rttP50Ms: ok ? median(r.p50) : null, rttP99Ms: ok ? median(r.p99) : null,
        repeats: { down: r.down, up: r.up, p50: r.p50, p99: r.p99 }, errors: r.errors,
        messagesPerMB: Object.fromEntries(['down', 'up'].map((d) => [d, r.messages[d].length ? {
          in: median(r.messages[d].map((m) => m.in)) / (route.bytes / 1e6), out: median(r.messages[d].map((m) => m.out)) / (route.bytes / 1e6),
        } : null])),
        cpuMsPerMB: Object.fromEntries(['down', 'up'].map((d) => [d, cpuPerMB(r.cpu[d], route.bytes)])),
      };
    });
    const load1 = loadavg();
    const report = {
      date: started.toISOString(), seconds: (Date.now() - started) / 1000, loadavgBefore: load0, loadavgAfter: load1,
      repeat: o.repeat, chromium: browser.version(), jar: o.jar, gatewayArgs: o.gatewayArgs, pageErrors, rows,
    };
    printTable(report);
    printCpu(report);
    if (o.json) writeFileSync(o.json, `${JSON.stringify(report, null, 2)}\n`);
    const failed = rows.filter((r) => !r.checksumsOk).length + pageErrors.length;
    process.exitCode = failed ? 1 : 0;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopChildren();
    backend.close();
    rmSync(site.dir, { recursive: true, force: true });
    clearTimeout(killer);
  }
}

main().catch(async (e) => {
  console.error(`browser-bench: ${e.stack ?? e}`);
  await stopChildren();
  process.exit(1);
});
