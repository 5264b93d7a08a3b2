/**
 * Where the gateway is: the default (the origin this module was loaded from) and the one
 * normal form every session is keyed by.
 * @module
 */

/**
 * The default gateway: the origin this module was loaded from, plus `/cometgate`.
 * @returns {string|null}
 */
export function defaultGateway() {
  try {
    const here = new URL(import.meta.url);
    if (here.protocol === 'http:' || here.protocol === 'https:') return `${here.origin}/cometgate`;
  } catch { /* not a URL we can use */ }
  return null;
}

/**
 * @param {string|undefined} gateway
 * @returns {string} absolute base URL without a trailing slash
 */
export function resolveGateway(gateway) {
  const raw = gateway ?? defaultGateway();
  if (!raw) throw new TypeError('no gateway URL: pass options.gateway (e.g. "https://example.com/cometgate")');
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(raw, base);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`gateway URL ${url.href}: must be http(s) or ws(s)`);
  }
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}
