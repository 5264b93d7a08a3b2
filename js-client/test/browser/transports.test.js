/**
 * The client in a real browser against the real gateway jar, every transport forced in turn.
 * Needs ../gateway/target/cometgate.jar (build it with `mvn -pl gateway package`) and
 * /usr/bin/chromium; run through `npm test` (see test/run-all.js).
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startBackends, startProxy, startGateway, launchBrowser } from './harness.js';

const JAR = process.env.COMETGATE_JAR ?? fileURLToPath(new URL('../../../gateway/target/cometgate.jar', import.meta.url));
const TRANSPORTS = (process.env.COMETGATE_TRANSPORTS ?? 'websocket,xhr-streaming,eventsource,xhr-polling,jsonp-polling,htmlfile').split(',');
const HELPERS = readFileSync(new URL('./page-helpers.js', import.meta.url), 'utf8');
const MiB = 1024 * 1024;
const FLOOD_TOTAL = 64 * MiB;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs in each page before its scripts: records the URLs the page opens WebSockets to and the
 * largest message one brings, so a test can see what the client asked for and what it got.
 */
function recordWebSockets() {
  const Native = globalThis.WebSocket;
  window.wsSeen = { urls: [], largest: 0 };
  globalThis.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      window.wsSeen.urls.push(String(url));
      this.addEventListener('message', (e) => {
        const size = typeof e.data === 'string' ? e.data.length : e.data.byteLength;
        window.wsSeen.largest = Math.max(window.wsSeen.largest, size);
      });
    }
  };
}

/** Polls `value()` until it has not changed for `quietMs`; returns the settled value. */
async function settle(value, quietMs, maxMs) {
  const start = Date.now();
  let last = value();
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(200);
    const v = value();
    if (v !== last) { last = v; since = Date.now(); } else if (Date.now() - since >= quietMs) return v;
  }
  throw new Error(`value still changing after ${maxMs} ms (last ${last})`);
}

let backends;
let proxy;
let gateway;
let browser;

before(async () => {
  backends = await startBackends({ floodTotal: FLOOD_TOTAL });
  const port = await freePort();
  proxy = await startProxy(port);
  gateway = await startGateway({ jar: JAR, port, proxyPort: proxy.port, backends: backends.ports });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (gateway) await gateway.stop();
  if (proxy) proxy.close();
  if (backends) backends.close();
});

for (const transport of TRANSPORTS) {
  describe(`over ${transport}`, { concurrency: false }, () => {
    let context;
    let page;
    const pageErrors = [];

    before(async () => {
      context = await browser.newContext();
      await context.addInitScript(recordWebSockets);
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('console', (m) => { if (process.env.DEBUG_BROWSER) console.log(`[${transport}] ${m.text()}`); });
      await page.exposeFunction('cutNow', () => { proxy.cutAll(); });
      await page.goto(`http://127.0.0.1:${proxy.port}/`);
      await page.evaluate(async (t) => {
        window.cg = await import('/cometgate.js');
        window.T = t;
      }, transport);
      // A string given to evaluate runs through DevTools, so the demo page's CSP does not apply.
      await page.evaluate(HELPERS);
    });

    after(async () => {
      if (context) await context.close().catch(() => {});
    });

    test('1 MiB of random bytes echoes back with the same SHA-256', { timeout: 90000 }, async () => {
      const r = await page.evaluate((n) => window.h.echo(n), MiB);
      assert.equal(r.got, MiB);
      assert.equal(r.received, r.sent);
      assert.equal(r.transport, transport);
      assert.deepEqual(pageErrors, []);
    });

    test('non-ASCII text round-trips through the WebSocket facade in text mode', { timeout: 60000 }, async () => {
      const r = await page.evaluate(async () => {
        const text = 'héllo wörld ✓ 日本語 🎉 Ünïcödé\n'.repeat(300);
        const ws = new window.cg.CometSocket('echo', window.h.opts({ text: true }));
        await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('error event')); });
        let got = '';
        const types = new Set();
        const done = new Promise((resolve) => {
          ws.onmessage = (e) => { types.add(typeof e.data); got += e.data; if (got.length >= text.length) resolve(); };
        });
        ws.send(text);
        await done;
        const closed = new Promise((resolve) => { ws.onclose = (e) => resolve(e.code); });
        ws.close();
        return { same: got === text, length: got.length, expected: text.length, types: [...types], closeCode: await closed };
      });
      assert.equal(r.length, r.expected);
      assert.equal(r.same, true);
      assert.deepEqual(r.types, ['string']);
      assert.equal(r.closeCode, 1000);
    });

    test('10 sockets at once share one session and each gets its own bytes back', { timeout: 60000 }, async () => {
      const r = await page.evaluate(async () => {
        const n = 48 * 1024;
        const sockets = Array.from({ length: 10 }, () => new window.cg.TCPSocket('echo', undefined, window.h.opts()));
        const results = await Promise.all(sockets.map(async (s) => {
          const { readable, writable } = await s.opened;
          const data = window.h.random(n);
          const w = writable.getWriter();
          const writing = w.write(data);
          const { out } = await window.h.readN(readable.getReader(), n);
          await writing;
          w.releaseLock();
          s.close();
          await s.closed;
          return { ok: (await window.h.sha(out)) === (await window.h.sha(data)), id: s._channel.id };
        }));
        return {
          ok: results.map((x) => x.ok),
          ids: results.map((x) => x.id),
          sessions: new Set(sockets.map((s) => s.session)).size,
        };
      });
      assert.deepEqual(r.ok, Array(10).fill(true));
      assert.equal(r.sessions, 1);
      assert.ok(r.ids.every((id) => id % 2 === 1), `channel ids must be odd: ${r.ids}`);
      assert.equal(new Set(r.ids).size, 10);
    });

    test('a backend close surfaces as close 4000 after its data; a denied target as error 4004', { timeout: 60000 }, async () => {
      const r = await page.evaluate(async () => {
        const s = new window.cg.TCPSocket('bye', undefined, window.h.opts({ binaryType: 'string' }));
        let text = '';
        s.ondata = (e) => { text += e.data; };
        const close = await new Promise((resolve) => { s.onclose = (e) => resolve({ code: e.code, wasClean: e.wasClean, state: s.readyState }); });
        await s.closed;
        const d = new window.cg.TCPSocket('127.0.0.1', 1, window.h.opts());
        const events = [];
        d.onerror = (e) => events.push(`error ${e.error.code}`);
        d.onclose = (e) => events.push(`close ${e.code}`);
        const denied = await d.opened.then(() => null, (e) => ({ code: e.code, name: e.codeName, message: e.message }));
        await d.closed.catch(() => {});
        return { text, close, denied, events };
      });
      assert.equal(r.text, 'bye\n');
      assert.deepEqual(r.close, { code: 4000, wasClean: true, state: 'closed' });
      assert.equal(r.denied.code, 4004, JSON.stringify(r.denied));
      assert.equal(r.denied.name, 'policy-denied');
      assert.deepEqual(r.events, ['error 4004', 'close 4004']);
    });

    test('a server that answers and closes at once: its last bytes come before close, every time', { timeout: 90000 }, async () => {
      const bad = await page.evaluate(async (runs) => {
        const wrong = [];
        for (let i = 0; i < runs; i++) {
          const s = new window.cg.TCPSocket('quit', undefined, window.h.opts({ binaryType: 'string' }));
          let text = '';
          s.ondata = (e) => { text += e.data; };
          s.onopen = () => s.send('QUIT\r\n');
          const tcp = await new Promise((resolve) => { s.onclose = (e) => resolve({ api: 'TCPSocket', text, code: e.code }); });
          if (tcp.text !== '+OK\r\n' || tcp.code !== 4000) wrong.push(tcp);
          const ws = new window.cg.CometSocket('quit', window.h.opts({ text: true }));
          let message = '';
          ws.onmessage = (e) => { message += e.data; };
          ws.onopen = () => ws.send('QUIT\r\n');
          const facade = await new Promise((resolve) => { ws.onclose = (e) => resolve({ api: 'CometSocket', text: message, code: e.code }); });
          if (facade.text !== '+OK\r\n' || facade.code !== 4000) wrong.push(facade);
        }
        return wrong;
      }, 15);
      assert.deepEqual(bad, [], `close came before the last bytes in ${bad.length} of 30 runs`);
    });

    for (const leave of ['navigates away', 'is closed']) {
      test(`a page that ${leave} closes its session: the backend sees the end within a second`, { timeout: 60000 }, async () => {
        const gone = await context.newPage();
        await gone.goto(`http://127.0.0.1:${proxy.port}/`);
        const endsBefore = backends.stats.watchEnds.length;
        await gone.evaluate(async (t) => {
          const cg = await import('/cometgate.js');
          const s = new cg.TCPSocket('watch', undefined, { transports: t });
          await s.opened;
          s.send('hello');
        }, transport);
        const left = Date.now();
        if (leave === 'is closed') await gone.close({ runBeforeUnload: true });
        else await gone.goto('about:blank');
        const deadline = Date.now() + 10000;
        while (backends.stats.watchEnds.length === endsBefore && Date.now() < deadline) await sleep(20);
        if (!gone.isClosed()) await gone.close();
        assert.ok(backends.stats.watchEnds.length > endsBefore, 'the backend connection was still open 10 s after the page left');
        const ms = backends.stats.watchEnds[backends.stats.watchEnds.length - 1] - left;
        if (process.env.DEBUG_BROWSER) console.log(`[${transport}] page ${leave}: backend ended after ${ms} ms`);
        assert.ok(ms < 1500, `the backend saw the end ${ms} ms after the page left`);
      });
    }

    test('cutting every connection mid-transfer loses, duplicates and reorders nothing', { timeout: 120000 }, async () => {
      const cutsBefore = proxy.cuts;
      const r = await page.evaluate((n) => window.h.echo(n, [200 * 1024, 600 * 1024]), MiB);
      assert.equal(proxy.cuts - cutsBefore, 2, 'the page did not cut the connections twice');
      // A streaming transport is cut mid-response and must reconnect; a poll cut between two
      // requests may simply be retried by the browser on a new connection, invisibly.
      if (!transport.endsWith('polling')) assert.ok(r.reconnects >= 1, `the session never reconnected (${r.reconnects})`);
      assert.equal(r.got, MiB);
      assert.equal(r.received, r.sent);
      assert.equal(r.transport, transport);
    });

    test('after a cut while data moves, data flows again within 5 s (a dead htmlfile frame included)', { timeout: 90000 }, async () => {
      await page.evaluate(async () => {
        const s = new window.cg.TCPSocket('echo', undefined, window.h.opts({ binaryType: 'string' }));
        window.ticker = { socket: s, arrivals: [] };
        s.ondata = () => window.ticker.arrivals.push(Date.now());
        await s.opened;
        window.ticker.timer = setInterval(() => s.send('x'), 50);
      });
      const stalls = [];
      for (let i = 0; i < 3; i++) {
        await sleep(700);
        const cutAt = await page.evaluate(() => Date.now());
        proxy.cutAll();
        let next;
        for (let w = 0; w < 150 && !next; w++) {
          await sleep(100);
          next = await page.evaluate((c) => window.ticker.arrivals.find((at) => at > c + 50), cutAt);
        }
        stalls.push(next ? next - cutAt : Infinity);
      }
      await page.evaluate(() => { clearInterval(window.ticker.timer); window.ticker.socket.close(); });
      console.log(`# ${transport}: data again ${stalls.join(', ')} ms after a cut`);
      assert.ok(stalls.every((ms) => ms < 5000), `stalls after a cut: ${stalls.join(', ')} ms`);
    });

    test('a page that stops reading stops the gateway reading the backend', { timeout: 120000 }, async () => {
      await page.evaluate(async () => {
        window.flood = new window.cg.TCPSocket('flood', undefined, window.h.opts());
        await window.flood.opened;
      });
      const stalled = await settle(() => backends.stats.floodFlushed, 2000, 60000);
      assert.ok(stalled < FLOOD_TOTAL / 2, `the backend wrote ${stalled} of ${FLOOD_TOTAL} bytes to a page that reads nothing`);
      if (process.env.DEBUG_BROWSER) console.log(`[${transport}] flood stalled at ${stalled} bytes`);
      // Reading again resumes the flow: it was backpressure, not a broken connection.
      const read = await page.evaluate(async (n) => {
        const reader = window.flood.readable.getReader();
        let got = 0;
        while (got < n) {
          const { value, done } = await reader.read();
          if (done) break;
          got += value.length;
        }
        reader.releaseLock();
        return got;
      }, 8 * MiB);
      assert.ok(read >= 8 * MiB, `read only ${read} bytes`);
      const deadline = Date.now() + 30000;
      while (backends.stats.floodFlushed <= stalled && Date.now() < deadline) await sleep(100);
      assert.ok(backends.stats.floodFlushed > stalled, 'the backend did not resume after the page read');
      await page.evaluate(() => { window.flood.close(); });
    });

    if (transport === 'websocket') {
      test('the client asks for large WebSocket batches (maxBatch) and bulk comes in messages past maxMessage', { timeout: 60000 }, async () => {
        const seen = await page.evaluate(() => window.wsSeen);
        assert.ok(seen.urls.length > 0 && seen.urls.every((u) => new URL(u).searchParams.get('maxBatch') === String(16 * MiB)),
          `every WebSocket asks for 16 MiB batches: ${seen.urls.join(' ')}`);
        // The flood above read 8 MiB as fast as the page could: a gateway that kept to
        // maxMessage (128 KiB, plus at most one 64 KiB frame) never sends a message this large.
        const oldMost = 128 * 1024 + 65536 + 13;
        assert.ok(seen.largest > oldMost && seen.largest <= MiB, `largest message ${seen.largest} bytes`);
      });
    }

    test('a backend that stops reading stalls the page\'s writes', { timeout: 120000 }, async () => {
      await page.evaluate(async () => {
        const s = new window.cg.TCPSocket('sink', undefined, window.h.opts());
        window.sink = s;
        window.sinkAccepted = 0;
        window.sinkFalse = false;
        const { writable } = await s.opened;
        const w = writable.getWriter();
        const chunk = new Uint8Array(64 * 1024);
        (async () => {
          for (let i = 0; i < 1024; i++) {
            await w.write(chunk);
            window.sinkAccepted += chunk.length;
          }
        })().catch(() => {});
      });
      let accepted = 0;
      let last = -1;
      let stableSince = Date.now();
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline) {
        await sleep(250);
        accepted = await page.evaluate(() => window.sinkAccepted);
        if (accepted !== last) { last = accepted; stableSince = Date.now(); } else if (Date.now() - stableSince > 2000) break;
      }
      const state = await page.evaluate(() => ({ buffered: window.sink.bufferedAmount, falseOnSend: !window.sink.send(new Uint8Array(128 * 1024)) }));
      assert.ok(accepted < 64 * MiB, `the page wrote all ${accepted} bytes into a backend that reads nothing`);
      assert.equal(state.falseOnSend, true, 'send() kept returning true');
      assert.ok(state.buffered > 0);
      await page.evaluate(() => { window.sink.close(); });
    });
  });
}
