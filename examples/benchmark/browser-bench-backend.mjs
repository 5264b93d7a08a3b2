/**
 * The browser benchmark's backend, on loopback in the benchmark's own process. The first byte a
 * connection sends picks its job, so the gateway's channels and websockify's raw WebSocket reach
 * the same port and the same code:
 *   'E'          echo everything after it (the 64 B round trips);
 *   'S' + u32 N  source: send N bytes of the pattern as fast as the peer reads (bulk down);
 *   'K' + u32 N  sink: read N bytes, then answer their 32-byte SHA-256 (bulk up).
 * The pattern is a 1 MiB + 13 B random block repeated, so a lost, doubled or reordered chunk
 * changes the SHA-256 the page reports (the period never lines up with 64 KiB chunks).
 */

import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export const ECHO = 0x45;
export const SOURCE = 0x53;
export const SINK = 0x4b;
const HEADER = 5;
const WRITE = 64 * 1024;
const BLOCK = randomBytes(1024 * 1024 + 13);

/** @returns {Buffer} the pattern's bytes [from, from + n) */
function pattern(from, n) {
  const out = Buffer.allocUnsafe(n);
  let at = 0;
  while (at < n) {
    const off = (from + at) % BLOCK.length;
    at += BLOCK.copy(out, at, off, Math.min(BLOCK.length, off + n - at));
  }
  return out;
}

const digests = new Map();

/** @returns {string} hex SHA-256 of the first n bytes of the pattern (what a source of n sends) */
export function sourceDigest(n) {
  if (!digests.has(n)) {
    const hash = createHash('sha256');
    for (let at = 0; at < n; at += WRITE) hash.update(pattern(at, Math.min(WRITE, n - at)));
    digests.set(n, hash.digest('hex'));
  }
  return digests.get(n);
}

/** @param {net.Socket} s */
function source(s, total) {
  let sent = 0;
  const pump = () => {
    while (sent < total && !s.destroyed) {
      const n = Math.min(WRITE, total - sent);
      const ok = s.write(pattern(sent, n));
      sent += n;
      if (!ok) { s.once('drain', pump); return; }
    }
  };
  pump();
}

/** One connection: reads the job header, then does that job. */
function serve(s) {
  s.setNoDelay(true);
  s.on('error', () => s.destroy());
  let header = Buffer.alloc(0);
  let job = null;
  const onData = (chunk) => {
    if (job) { job(chunk); return; }
    header = Buffer.concat([header, chunk]);
    const mode = header[0];
    if (mode === ECHO) {
      job = (c) => s.write(c);
      if (header.length > 1) job(header.subarray(1));
      return;
    }
    if (mode !== SOURCE && mode !== SINK) { s.destroy(); return; }
    if (header.length < HEADER) return;
    const total = header.readUInt32BE(1);
    const rest = header.subarray(HEADER);
    if (mode === SOURCE) {
      job = () => {}; // the page sends nothing more; anything it does is dropped
      source(s, total);
      return;
    }
    const hash = createHash('sha256');
    let got = 0;
    job = (c) => {
      if (got >= total) return;
      const take = c.subarray(0, total - got);
      hash.update(take);
      got += take.length;
      if (got === total) s.write(hash.digest());
    };
    if (rest.length) job(rest);
  };
  s.on('data', onData);
}

/** @returns {Promise<{port: number, close: () => void}>} */
export function startBackend() {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    serve(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: /** @type {net.AddressInfo} */ (server.address()).port,
      close() {
        for (const s of sockets) s.destroy();
        server.close();
      },
    }));
  });
}
