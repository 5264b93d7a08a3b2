// Runs inside the test page (evaluated as a plain script after `window.cg` was imported):
// helpers the browser tests share. `window.T` is the transport forced for this page.
window.h = {
  opts(extra) {
    return { transports: window.T, ...extra };
  },
  random(n) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
    return b;
  },
  async sha(bytes) {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('');
  },
  /** Reads exactly n bytes (or until the stream ends) from a reader. */
  async readN(reader, n, onProgress) {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const { value, done } = await reader.read();
      if (done) break;
      if (got + value.length > n) throw new Error(`received ${got + value.length} bytes, expected ${n}`);
      out.set(value, got);
      got += value.length;
      if (onProgress) await onProgress(got);
    }
    return { out, got };
  },
  /** Echoes n random bytes through the `echo` alias; optionally calls cutAt[i] thresholds. */
  async echo(n, cutAt = []) {
    const s = new window.cg.TCPSocket('echo', undefined, window.h.opts());
    let reconnects = 0;
    const onReconnect = () => { reconnects++; };
    s.session.addEventListener('reconnect', onReconnect);
    const { readable, writable } = await s.opened;
    const data = window.h.random(n);
    const writer = writable.getWriter();
    const writing = (async () => {
      for (let i = 0; i < n; i += 65536) await writer.write(data.subarray(i, Math.min(n, i + 65536)));
    })();
    const pending = [...cutAt];
    const { out, got } = await window.h.readN(readable.getReader(), n, async (soFar) => {
      while (pending.length && soFar >= pending[0]) {
        pending.shift();
        await window.cutNow();
      }
    });
    await writing;
    writer.releaseLock();
    s.close();
    await s.closed;
    s.session.removeEventListener('reconnect', onReconnect);
    return {
      got, sent: await window.h.sha(data), received: await window.h.sha(out),
      transport: s.session.transportName, reconnects,
    };
  },
};
