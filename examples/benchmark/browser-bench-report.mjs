/** The browser benchmark's output: the Markdown table and the CPU profile summary. */

const MiB = 1024 * 1024;

export /** Top self-time functions of a .cpuprofile, js-client's and the page's first. */
function topFunctions(profile, n = 12) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^https?:\/\/[^/]+/, '')}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([key, us]) => `  ${(100 * us / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}

export function printTable(report) {
  const f = (x, d = 1) => (x === null ? 'FAILED' : x.toFixed(d));
  console.log(`\nChromium ${report.chromium}, medians of ${report.repeat}; load average ${report.loadavgBefore} before, ${report.loadavgAfter} after; ${report.seconds.toFixed(0)} s`);
  console.log('| route | bulk size | down MB/s | up MB/s | 64 B round trip p50 ms | p99 ms | SHA-256 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of report.rows) {
    console.log(`| ${r.route} | ${(r.bytes / MiB).toFixed(r.bytes % MiB ? 1 : 0)} MiB | ${f(r.downMBps)} | ${f(r.upMBps)} | ${f(r.rttP50Ms, 2)} | ${f(r.rttP99Ms, 2)} | ${r.checksumsOk ? 'ok' : r.errors.join('; ')} |`);
  }
  if (report.pageErrors.length) console.log(`page errors: ${report.pageErrors.join('; ')}`);
}

/** CPU milliseconds per MB moved, by process role (medians; bulk steps only, open and close included). */
export function printCpu(report) {
  const roles = ['gateway', 'gateway JIT', 'websockify', 'chromium renderer', 'chromium network', 'chromium other', 'bench', 'all'];
  if (!report.rows.some((r) => Object.keys(r.cpuMsPerMB.down).length)) return;
  console.log('\nWebSocket messages per MB moved (medians), into the page / out of it');
  console.log('| route | down: in / out | up: in / out |');
  console.log('|---|---|---|');
  const m = (x) => (x ? `${x.in.toFixed(1)} / ${x.out.toFixed(1)}` : '-');
  for (const r of report.rows) console.log(`| ${r.route} | ${m(r.messagesPerMB.down)} | ${m(r.messagesPerMB.up)} |`);
  console.log(`\nCPU ms per MB (medians; the page also hashes what it moved; 'bench' is the backend and this script)`);
  console.log(`| route | dir | ${roles.join(' | ')} |`);
  console.log(`|---|---|${roles.map(() => '---').join('|')}|`);
  for (const r of report.rows) {
    for (const dir of ['down', 'up']) {
      const c = r.cpuMsPerMB[dir];
      console.log(`| ${r.route} | ${dir} | ${roles.map((x) => (c[x] === undefined ? '-' : c[x].toFixed(1))).join(' | ')} |`);
    }
  }
}
