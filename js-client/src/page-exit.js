/**
 * The page going away (tab closed, navigation, reload): `pagehide` is the last event a page
 * reliably gets, and it fires for pages entering the back/forward cache too.
 * @module
 */

/**
 * Calls `onExit` once at the page's `pagehide`; outside a browser page it does nothing.
 * @param {() => void} onExit
 * @returns {() => void} stops watching
 */
export function closeOnPageHide(onExit) {
  if (typeof globalThis.document === 'undefined' || typeof globalThis.addEventListener !== 'function') return () => {};
  const listener = () => onExit();
  globalThis.addEventListener('pagehide', listener);
  return () => globalThis.removeEventListener('pagehide', listener);
}

/**
 * A request that outlives the page: `sendBeacon`, else `fetch` with `keepalive`. `text/plain`
 * needs no CORS preflight, which could not finish while the page unloads.
 * @param {string} url
 * @param {Uint8Array} batch
 */
export function sendFinal(url, batch) {
  const body = new Blob([batch], { type: 'text/plain' });
  try {
    if (globalThis.navigator?.sendBeacon?.(url, body)) return;
  } catch { /* fall through to fetch */ }
  try {
    fetch(url, { method: 'POST', body, keepalive: true, cache: 'no-store' }).catch(() => {});
  } catch { /* the page is going away; the gateway's session timeout is the backstop */ }
}
