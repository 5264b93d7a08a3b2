/**
 * The page going away (tab closed, navigation, reload): `pagehide` is the last event a page
 * reliably gets, and it fires for pages entering the back/forward cache too.
 * @module
 */

import { FrameType, closePayload } from './frame.js';
import { CloseCode } from './codes.js';

/** A keepalive request (sendBeacon, fetch keepalive) may carry 64 KiB; keep clear of it. */
const FINAL_BATCH_BYTES = 60 * 1024;

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
 * Tells the gateway the page is gone, in one request that outlives the page, so its backends
 * see the disconnect at once instead of at the session timeout. Before the SESSION_CLOSE the
 * batch carries the newest frames the gateway has not acknowledged, as many as fit: what a
 * page wrote just before closing (a QUIT, a logout) should still arrive.
 * @param {string} gateway
 * @param {string} sessionId
 * @param {import('./reliable-link.js').ReliableLink} link
 */
export function sayGoodbye(gateway, sessionId, link) {
  const batch = link.finalBatch(FrameType.SESSION_CLOSE, closePayload(CloseCode.NORMAL, 'page closed'), FINAL_BATCH_BYTES);
  sendFinal(`${gateway}/send?s=${encodeURIComponent(sessionId)}`, batch);
}

/**
 * A request that outlives the page: `sendBeacon`, else `fetch` with `keepalive`. `text/plain`
 * needs no CORS preflight, which could not finish while the page unloads.
 * @param {string} url
 * @param {Uint8Array} batch
 */
function sendFinal(url, batch) {
  const body = new Blob([batch], { type: 'text/plain' });
  try {
    if (globalThis.navigator?.sendBeacon?.(url, body)) return;
  } catch { /* fall through to fetch */ }
  try {
    fetch(url, { method: 'POST', body, keepalive: true, cache: 'no-store' }).catch(() => {});
  } catch { /* the page is going away; the gateway's session timeout is the backstop */ }
}
