// The browser benchmark's page (served by the gateway with --static; browser-bench.mjs drives it
// through window.bench). One measurement at a time; every figure is taken with performance.now()
// around the bytes only: the socket is open before the clock starts.
//
// A route is {kind: 'cometgate', transport, client} (js-client over one forced transport) or
// {kind: 'raw', url} (a raw binary WebSocket, e.g. websockify in front of the same backend).

const SOURCE = 0x53;
const SINK = 0x4b;
const ECHO = 0x45;
const CHUNK = 64 * 1024;
const clients = new Map();

/**
 * WebSocket messages each way, counted for every socket of the page (js-client's and the raw
 * route's alike): in a browser a message costs about as much as its bytes, so messages per MB
 * is what tells two routes' upload or download apart.
 */
const messages = { in: 0, out: 0 };
const NativeWebSocket = window.WebSocket;
window.WebSocket = class CountingWebSocket extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { messages.in++; });
  }

  send(data) {
    messages.out++;
    super.send(data);
  }
};

function header(mode, n) {
  const h = new Uint8Array(5);
  h[0] = mode;
  new DataView(h.buffer).setUint32(1, n);
  return h;
}

function random(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

async function sha(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** js-client's TCPSocket in its streams shape. */
async function openCometgate(route) {
  const cg = clients.get(route.client);
  const s = new cg.TCPSocket('bench', undefined, { transports: route.transport });
  const { readable, writable } = await s.opened;
  if (s.session.transportName !== route.transport) throw new Error(`asked for ${route.transport}, got ${s.session.transportName}`);
  const reader = readable.getReader();
  const writer = writable.getWriter();
  return {
    send: (bytes) => writer.write(bytes),
    async next() {
      const { value, done } = await reader.read();
      return done ? null : value;
    },
    async close() {
      reader.releaseLock();
      writer.releaseLock();
      s.close();
      await Promise.race([s.closed.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

/** A raw WebSocket: each message is bytes of the TCP stream (websockify's binary mode). */
async function openRaw(route) {
  const ws = new WebSocket(route.url, ['binary']);
  ws.binaryType = 'arraybuffer';
  const queue = [];
  let wake = null;
  let ended = false;
  ws.onmessage = (e) => { queue.push(new Uint8Array(e.data)); if (wake) wake(); };
  ws.onclose = () => { ended = true; if (wake) wake(); };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`WebSocket to ${route.url} failed`));
  });
  return {
    async send(bytes) {
      // The browser buffers without limit: keep at most 4 MiB queued, as js-client's window does.
      while (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
      ws.send(bytes);
    },
    async next() {
      while (queue.length === 0 && !ended) await new Promise((r) => { wake = r; });
      wake = null;
      return queue.length ? queue.shift() : null;
    },
    async close() { ws.close(); },
  };
}

const open = (route) => (route.kind === 'raw' ? openRaw(route) : openCometgate(route));

/** Reads exactly n bytes into `out` (from `at`); a byte too many is an error. */
async function readInto(link, out, at, n) {
  let got = 0;
  while (got < n) {
    const c = await link.next();
    if (c === null) throw new Error(`the connection ended after ${got} of ${n} bytes`);
    if (got + c.length > n) throw new Error(`received ${got + c.length} bytes, expected ${n}`);
    out.set(c, at + got);
    got += c.length;
  }
}

window.bench = {
  /** Imports a client build (the jar's /cometgate.js, or a copy of js-client/src). */
  async load(name, url) {
    clients.set(name, await import(url));
  },

  /** Bulk down: the backend sources n bytes; returns the time and the SHA-256 of what arrived. */
  async down(route, n) {
    const link = await open(route);
    const out = new Uint8Array(n);
    const m0 = { ...messages };
    const t0 = performance.now();
    await link.send(header(SOURCE, n));
    await readInto(link, out, 0, n);
    const ms = performance.now() - t0;
    const counted = { in: messages.in - m0.in, out: messages.out - m0.out };
    await link.close();
    return { ms, sha: await sha(out), messages: counted };
  },

  /** Bulk up: n random bytes in 64 KiB writes; the clock stops when the backend's SHA-256 is back. */
  async up(route, n) {
    const data = random(n);
    const want = await sha(data);
    const link = await open(route);
    const answer = new Uint8Array(32);
    const m0 = { ...messages };
    const t0 = performance.now();
    await link.send(header(SINK, n));
    for (let i = 0; i < n; i += CHUNK) await link.send(data.subarray(i, Math.min(n, i + CHUNK)));
    await readInto(link, answer, 0, 32);
    const ms = performance.now() - t0;
    const counted = { in: messages.in - m0.in, out: messages.out - m0.out };
    await link.close();
    const got = Array.from(answer, (x) => x.toString(16).padStart(2, '0')).join('');
    return { ms, sha: got, want, messages: counted };
  },

  /** 64 B round trips through the echo, one at a time, after 10 unrecorded ones. */
  async rtt(route, count) {
    const link = await open(route);
    await link.send(Uint8Array.of(ECHO));
    const msg = random(64);
    const back = new Uint8Array(64);
    const times = [];
    let wrong = 0;
    for (let i = -10; i < count; i++) {
      msg[0] = i & 0xff;
      const t0 = performance.now();
      await link.send(msg);
      await readInto(link, back, 0, 64);
      const ms = performance.now() - t0;
      if (i >= 0) times.push(ms);
      if (back.some((x, k) => x !== msg[k])) wrong++;
    }
    await link.close();
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { p50: at(0.5), p99: at(0.99), count: times.length, wrong };
  },
};
