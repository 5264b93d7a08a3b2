/**
 * The small base every transport extends, and the shared upstream for the HTTP transports.
 *
 * A transport carries batches: `start()` opens the downstream, each received batch goes to
 * `ctx.onBatch`, and `send(batch)` carries one upstream batch. When anything fails it calls
 * `ctx.onDown` exactly once and goes quiet; the session decides what happens next.
 * @module
 */

/**
 * @typedef {object} DownInfo
 * @property {string} reason human-readable, for diagnostics
 * @property {number} [status] HTTP status, when one was seen
 * @property {number} [wsCode] WebSocket close code, when one was seen
 * @property {boolean} [clean] the downstream ended as designed (stream budget used up)
 */

/**
 * @typedef {object} TransportContext
 * @property {string} gateway base URL such as `https://example.com/cometgate`, no trailing slash
 * @property {string|null} sessionId null when the transport must create the session
 * @property {() => number} takeAck the ack to put in a downstream request (recorded as sent)
 * @property {(batch: Uint8Array) => void} onBatch
 * @property {(info: DownInfo) => void} onDown
 * @property {number} requestTimeoutMs how long one upstream POST may take at most
 * @property {(bytes: number) => number} [postTimeoutMs] how long a POST of `bytes` may take on this
 *   link (the answer deadline); `requestTimeoutMs` caps it
 * @property {number} pollTimeoutMs how long one long poll may take (the gateway answers within its
 *   heartbeat, so a poll still open after this is dead)
 */

/** An HTTP exchange that failed, with the status when there was one. */
export class TransportError extends Error {
  /**
   * @param {string} message
   * @param {number} [status]
   */
  constructor(message, status) {
    super(message);
    this.name = 'TransportError';
    this.status = status;
  }
}

export class Transport {
  /** @type {string} */
  static transportName = 'base';
  /** whether it can attach without a session id (it then receives HELLO with a new id) */
  static createsSession = false;
  /**
   * Polls get no HELLO (the session already exists): the session treats such a transport as
   * attached when it starts, and as proven once a poll or POST succeeded.
   */
  static attachesOnStart = false;

  /** @returns {boolean} whether this environment has what the transport needs */
  static isAvailable() {
    return false;
  }

  /** @param {TransportContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.closed = false;
    /** @type {Set<AbortController> | undefined} fetches in flight, aborted by stop() */
    this.aborts = undefined;
    /** largest upstream batch in bytes: 128 KiB POST body limit, minus headroom */
    this.maxBatch = 120 * 1024;
    /** DATA payload size for upstream chunks: seven frames with headers fill a POST body */
    this.dataChunk = 16384 - 13;
  }

  start() {
    throw new Error(`${/** @type {typeof Transport} */ (this.constructor).transportName}: start() not implemented`);
  }

  /**
   * Carries one upstream batch. The session never calls it again before the promise settled.
   * @param {Uint8Array} batch
   * @returns {Promise<Uint8Array|void>} the answer's frames, if any (the gateway answers a POST
   *   with an ACK)
   */
  send(batch) {
    return postBatch(this, batch);
  }

  /** Stops everything without reporting; idempotent. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.stop();
  }

  /** Releases resources; subclasses that hold more than fetches extend it. */
  stop() {
    abortAll(this);
  }

  /**
   * Reports the transport down once, then goes quiet.
   * @param {DownInfo} info
   */
  down(info) {
    if (this.closed) return;
    this.close();
    this.ctx.onDown(info);
  }

  /**
   * @param {Uint8Array} batch
   */
  deliver(batch) {
    if (!this.closed) this.ctx.onBatch(batch);
  }

  /**
   * @param {string} path endpoint name such as `xhr-polling`
   * @param {Record<string, string|number|null|undefined>} [params]
   * @returns {string}
   */
  url(path, params = {}) {
    const url = new URL(`${this.ctx.gateway}/${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  /** @returns {Record<string, string|number>} the `s` and `ack` parameters of a downstream request */
  downstreamParams() {
    /** @type {Record<string, string|number>} */
    const params = { ack: this.ctx.takeAck() };
    if (this.ctx.sessionId) params.s = this.ctx.sessionId;
    return params;
  }
}

/**
 * fetch with a timeout that also aborts when the transport closes.
 * @param {Transport} transport
 * @param {string} url
 * @param {RequestInit} init
 * @param {number} timeoutMs
 * @returns {Promise<Response>}
 */
export async function timedFetch(transport, url, init, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  transport.aborts ??= new Set();
  transport.aborts.add(abort);
  try {
    return await fetch(url, { cache: 'no-store', ...init, signal: abort.signal });
  } catch (e) {
    throw new TransportError(abort.signal.aborted ? `${init.method || 'GET'} timed out or was cancelled` : `${init.method || 'GET'} failed: ${/** @type {Error} */ (e).message}`);
  } finally {
    clearTimeout(timer);
    transport.aborts.delete(abort);
  }
}

/**
 * Aborts every request still in flight for the transport.
 * @param {Transport} transport
 */
export function abortAll(transport) {
  if (!transport.aborts) return;
  for (const a of transport.aborts) a.abort();
  transport.aborts.clear();
}

/**
 * The upstream of every non-WebSocket transport: `POST /send?s=ID` with the raw batch, as
 * `text/plain` so a cross-origin request needs no CORS preflight.
 * @param {Transport} transport
 * @param {Uint8Array} batch
 * @returns {Promise<Uint8Array>} the answer body (an ACK batch; empty for 204)
 */
export async function postBatch(transport, batch) {
  const res = await timedFetch(transport, transport.url('send', { s: transport.ctx.sessionId }), {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: batch,
  }, postTimeout(transport.ctx, batch.length));
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw new TransportError(`POST send answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status);
  }
  let body;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new TransportError(`POST send answer failed: ${/** @type {Error} */ (e).message}`);
  }
  return body;
}

/**
 * @param {TransportContext} ctx
 * @param {number} bytes the POST's body
 * @returns {number} how long the POST may go unanswered
 */
export function postTimeout(ctx, bytes) {
  return ctx.postTimeoutMs ? Math.min(ctx.requestTimeoutMs, ctx.postTimeoutMs(bytes)) : ctx.requestTimeoutMs;
}

/**
 * `POST /session`: creates a session for the transports that cannot create one themselves.
 * @param {string} gateway
 * @param {number} timeoutMs
 * @returns {Promise<any>} the HELLO object
 */
export async function postSession(gateway, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(`${gateway}/session`, { method: 'POST', cache: 'no-store', signal: abort.signal });
  } catch (e) {
    throw new TransportError(`POST session failed: ${/** @type {Error} */ (e).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw new TransportError(`POST session answered ${res.status}`, res.status);
  const hello = await res.json();
  if (!hello || hello.v !== 1) throw new TransportError(`POST session: protocol version ${hello?.v}, this client speaks 1`);
  return hello;
}
