/**
 * CPU time of the browser benchmark's own processes, by role, from /proc (Linux): on a shared
 * 2-core box a route's MB/s is mostly how much CPU every process on its path spends per MB, so
 * the benchmark reports that beside the throughput. Only this process's descendants count (other
 * Chromiums or JVMs on the machine are not ours), and a leader's reaped children count too
 * (websockify forks one process per connection).
 */

import { readdirSync, readFileSync } from 'node:fs';

/** clock ticks per second of /proc/PID/stat (USER_HZ; 100 on every Linux this runs on) */
const HZ = 100;

/** @returns {{pid: number, ppid: number, ticks: number, childTicks: number, comm: string}|null} */
function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    // after "pid (comm) ": state ppid pgrp ... utime(11) stime(12) cutime(13) cstime(14), 0-based from state
    return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]), comm: s.slice(s.indexOf('(') + 1, close) };
  } catch {
    return null; // gone between readdir and read
  }
}

/**
 * Ticks of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThre..." and
 * "C2 CompilerThre..."). A transfer of 64 MiB is only ~500-1,000 WebSocket messages, fewer than
 * C2's invocation thresholds, so the gateway's compiler was still busy in measured transfers
 * (session 6: more CPU than its event loops); reported apart, the gateway's own column is what a
 * warm gateway spends per MB and the JIT column shows whether the warm-up was long enough.
 */
function compilerTicks(pid) {
  let ticks = 0;
  let tasks = [];
  try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return 0; }
  for (const tid of tasks) {
    try {
      if (!/^C\d CompilerThre/.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8'))) continue;
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the thread ended between readdir and read (HotSpot stops idle compiler threads)
    }
  }
  return ticks;
}

function cmdline(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; }
}

/** @returns {string|null} the role of one of our descendants (null: not counted) */
function role(p, rolesByPid) {
  if (rolesByPid.has(p.pid)) return rolesByPid.get(p.pid);
  if (!/chrom/i.test(p.comm) && !/chrom/i.test(cmdline(p.pid))) return null;
  const args = cmdline(p.pid);
  if (args.includes('--type=renderer')) return 'chromium renderer';
  if (args.includes('network.mojom.NetworkService')) return 'chromium network';
  return 'chromium other';
}

/**
 * @param {Map<number, string>} rolesByPid the children we started ourselves (gateway, websockify),
 *   each counted with its descendants and reaped children
 * @returns {Map<string, number>} CPU seconds so far by role; 'bench' is this process (the backend)
 */
export function cpuByRole(rolesByPid) {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = stat(Number(name));
    if (p) all.set(p.pid, p);
  }
  const out = new Map();
  const add = (r, ticks) => out.set(r, (out.get(r) ?? 0) + ticks / HZ);
  const self = process.cpuUsage();
  add('bench', (self.user + self.system) / 1e6 * HZ);
  // Walk down from this process: a child's role is its own, or inherited from the started child.
  const children = new Map();
  for (const p of all.values()) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const walk = (pid, inherited) => {
    for (const c of children.get(pid) ?? []) {
      const r = inherited ?? role(c, rolesByPid);
      if (r === 'gateway' && rolesByPid.has(c.pid)) {
        // a compiler thread that ended took its ticks into the process total only, so this
        // split can under-count the JIT (never over-count it)
        const jit = compilerTicks(c.pid);
        add('gateway JIT', jit);
        add(r, c.ticks + c.childTicks - jit);
      } else if (r) add(r, c.ticks + (rolesByPid.has(c.pid) ? c.childTicks : 0));
      walk(c.pid, inherited ?? (rolesByPid.has(c.pid) ? r : null));
    }
  };
  walk(process.pid, null);
  return out;
}

/** @returns {Map<string, number>} after - before, by role */
export function cpuDelta(before, after) {
  const out = new Map();
  for (const [r, s] of after) out.set(r, s - (before.get(r) ?? 0));
  return out;
}
