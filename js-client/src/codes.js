/**
 * Close codes: the gateway's table from docs/PROTOCOL.md plus the two WebSocket codes the client
 * itself reports (1006 when the gateway cannot be reached, 1008 when it refuses this page's Origin).
 * @module
 */

/** @type {Readonly<Record<string, number>>} */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  BACKEND_CLOSED: 4000,
  CONNECT_REFUSED: 4001,
  CONNECT_TIMEOUT: 4002,
  DNS_FAILURE: 4003,
  POLICY_DENIED: 4004,
  IDLE_TIMEOUT: 4005,
  PROTOCOL_ERROR: 4006,
  SESSION_EXPIRED: 4007,
  BACKEND_ERROR: 4008,
  LIMIT_EXCEEDED: 4009,
  GATEWAY_SHUTDOWN: 4010,
  LIFETIME_EXCEEDED: 4011,
  FLOW_CONTROL: 4012,
  BACKEND_TLS: 4013,
  SESSION_REPLACED: 4014,
  SESSION_UNKNOWN: 4015,
});

const NAMES = new Map([
  [1000, ['normal', 'the client closed the channel or session']],
  [1006, ['abnormal', 'the gateway could not be reached on any transport']],
  [1008, ['origin-refused', 'the gateway refused this page (Origin, Host or client address not allowed)']],
  [4000, ['backend-closed', 'the backend closed the connection after all its data was delivered']],
  [4001, ['connect-refused', 'the backend refused the connection']],
  [4002, ['connect-timeout', 'the backend did not answer within the connect timeout']],
  [4003, ['dns-failure', 'the target name did not resolve']],
  [4004, ['policy-denied', 'the access policy does not allow this target']],
  [4005, ['idle-timeout', 'no data either way for the idle timeout']],
  [4006, ['protocol-error', 'a peer broke the wire protocol']],
  [4007, ['session-expired', 'the session expired or is unknown to the gateway']],
  [4008, ['backend-error', 'the backend connection failed']],
  [4009, ['limit-exceeded', 'too many channels, sessions or opens']],
  [4010, ['gateway-shutdown', 'the gateway is shutting down']],
  [4011, ['lifetime-exceeded', 'the channel reached its maximum lifetime']],
  [4012, ['flow-control', 'a peer sent beyond its credit']],
  [4013, ['backend-tls', 'TLS to the backend failed']],
  [4014, ['session-replaced', 'a newer transport took over this session']],
  [4015, ['session-unknown', 'the gateway node no longer holds the session (node restarted or gone); open again for a fresh session']],
]);

/**
 * The short name of a close code (`policy-denied` for 4004), or `unknown-<code>`.
 * @param {number} code
 * @returns {string}
 */
export function closeCodeName(code) {
  const entry = NAMES.get(code);
  return entry ? entry[0] : `unknown-${code}`;
}

/**
 * A one-line description of a close code, used when the gateway sent no reason.
 * @param {number} code
 * @returns {string}
 */
export function closeCodeDescription(code) {
  const entry = NAMES.get(code);
  return entry ? entry[1] : `close code ${code}`;
}

/**
 * Codes that mean "the socket ended as it should": the client closed it, or the backend did
 * after all its data was delivered. Every other code is an error.
 * @param {number} code
 * @returns {boolean}
 */
export function isCleanClose(code) {
  return code === CloseCode.NORMAL || code === CloseCode.BACKEND_CLOSED;
}

/** An error that carries a gateway close code, e.g. `code === 4004` for a policy denial. */
export class CometGateError extends Error {
  /**
   * @param {number} code a close code from {@link CloseCode}
   * @param {string} [reason] the gateway's reason text; defaults to the code's description
   */
  constructor(code, reason) {
    const text = reason || closeCodeDescription(code);
    super(`${closeCodeName(code)} (${code}): ${text}`);
    this.name = 'CometGateError';
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.reason = text;
    /** @type {string} */
    this.codeName = closeCodeName(code);
  }
}
