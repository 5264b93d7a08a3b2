/**
 * The page's shared sessions: one per gateway URL and transport choice, so every socket to a
 * gateway rides the same session (one transport, one set of timers) instead of one each. A
 * closed session leaves the registry, and the next socket gets a fresh one.
 * @module
 */

/** @typedef {{state: string}} Shareable */

/** @type {Map<string, Shareable>} */
const sessions = new Map();

/**
 * @template {Shareable} S
 * @param {string} key the gateway URL and the transport choice
 * @param {() => S} create makes the session when there is none, or only a closed one
 * @returns {S}
 */
export function sharedSession(key, create) {
  let session = /** @type {S|undefined} */ (sessions.get(key));
  if (!session || session.state === 'closed') {
    session = create();
    sessions.set(key, session);
  }
  return session;
}

/**
 * The session under `key` has closed: forget it, unless another has taken its place already.
 * @param {string|undefined} key
 * @param {Shareable} session
 */
export function forgetSession(key, session) {
  if (key !== undefined && sessions.get(key) === session) sessions.delete(key);
}
