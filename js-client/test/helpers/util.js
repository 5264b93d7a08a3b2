import { FakeGateway } from './fake-gateway.js';
import { Session } from '../../src/session.js';

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function randomBytes(n, seed = 1) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

/** @param {Uint8Array[]} chunks */
export function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** Reads a ReadableStream until `n` bytes arrived (or it ends). */
export async function readBytes(readable, n) {
  const reader = readable.getReader();
  const chunks = [];
  let got = 0;
  while (got < n) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
  }
  reader.releaseLock();
  return concat(chunks);
}

/** A session over a fake gateway, with fast timers. */
export function fakeSession(gatewayOptions = {}, sessionOptions = {}) {
  const gateway = new FakeGateway(gatewayOptions);
  const Fake = gateway.transportClass();
  const session = new Session('http://127.0.0.1:9/cometgate', {
    transportClasses: [Fake], transports: 'fake', rememberTransport: false,
    ackDelayMs: 1, lingerMs: 60000, minDelayMs: 1, maxDelayMs: 5, ...sessionOptions,
  });
  return { gateway, session };
}

/** Resolves once `predicate()` holds, checking after every macrotask (no wall-clock assertion). */
export async function until(predicate, what, maxTurns = 20000) {
  for (let i = 0; i < maxTurns; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, i < 100 ? 0 : 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export function sha(bytes) {
  let h = 2166136261;
  for (const b of bytes) { h ^= b; h = Math.imul(h, 16777619) >>> 0; }
  return h;
}
