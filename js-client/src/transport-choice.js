/**
 * Which transport a session tries next: the ordered candidate list (forced names, the
 * environment's abilities, the one remembered from last time first) and the walk down it after
 * failed attempts.
 * @module
 */

import { ALL_TRANSPORTS } from './transports/index.js';
import { CloseCode } from './codes.js';

const STORAGE_PREFIX = 'cometgate.transport:';

/** @typedef {typeof import('./transports/base.js').Transport} TransportClass */

export class TransportChoice {
  /**
   * @param {{transports?: string|string[], transportClasses?: ReadonlyArray<TransportClass>, rememberTransport?: boolean}} options
   * @param {string} gateway
   */
  constructor(options, gateway) {
    this.options = options;
    this.gateway = gateway;
    /** @type {TransportClass[]} */
    this.candidates = chooseCandidates(options, gateway);
    this.index = 0;
    /** consecutive attempts that failed before proving themselves */
    this.failures = 0;
    /** some transport has worked at least once in this session */
    this.everAttached = false;
  }

  /** @returns {TransportClass|undefined} the transport to try now */
  get current() {
    return this.candidates[this.index % this.candidates.length];
  }

  /** @returns {boolean} still trying the list for the first time: the next one goes at once */
  get probing() {
    return !this.everAttached && this.failures < this.candidates.length;
  }

  /** @returns {boolean} every candidate failed twice and none ever worked */
  get exhausted() {
    return !this.everAttached && this.failures / this.candidates.length >= 2;
  }

  /** @returns {string} the candidates' names, for error messages */
  get names() {
    return this.candidates.map((c) => c.transportName).join(', ');
  }

  /** @param {TransportClass} cls it proved to work: remember it and start counting afresh */
  worked(cls) {
    this.everAttached = true;
    this.failures = 0;
    rememberTransport(this.gateway, cls.transportName, this.options);
  }

  /** A transport that had worked went down: the same one is tried again first. */
  dropped() {
    this.failures = 0;
  }

  /** An attempt failed before it proved itself: move on to the next candidate. */
  failed() {
    this.failures++;
    if (this.candidates.length > 1) this.index = (this.index + 1) % this.candidates.length;
  }
}

/**
 * @param {{transports?: string|string[], transportClasses?: ReadonlyArray<TransportClass>, rememberTransport?: boolean}} options
 * @returns {string} the key under which sockets share a session
 */
export function choiceKey(options) {
  const t = options.transports;
  return t === undefined ? '*' : [].concat(/** @type {any} */ (t)).join(',');
}

/**
 * @param {{transports?: string|string[], transportClasses?: ReadonlyArray<TransportClass>, rememberTransport?: boolean}} options
 * @param {string} gateway
 * @returns {TransportClass[]}
 */
function chooseCandidates(options, gateway) {
  const classes = options.transportClasses ?? ALL_TRANSPORTS;
  const byName = new Map(classes.map((c) => [c.transportName, c]));
  const wanted = options.transports === undefined ? null
    : (Array.isArray(options.transports) ? options.transports : [options.transports]);
  if (wanted) {
    for (const name of wanted) {
      if (!byName.has(name)) {
        throw new TypeError(`unknown transport '${name}'; known: ${[...byName.keys()].join(', ')}`);
      }
    }
  }
  let list = (wanted ?? [...byName.keys()]).map((n) => /** @type {TransportClass} */ (byName.get(n)));
  list = list.filter((c) => c.isAvailable());
  if (!wanted || wanted.length > 1) {
    const remembered = recallTransport(gateway, options);
    const i = list.findIndex((c) => c.transportName === remembered);
    if (i > 0) list.unshift(...list.splice(i, 1));
  }
  return list;
}

/**
 * @param {string} gateway
 * @param {{rememberTransport?: boolean}} options
 * @returns {string|null}
 */
function recallTransport(gateway, options) {
  if (options.rememberTransport === false) return null;
  try {
    return globalThis.sessionStorage?.getItem(STORAGE_PREFIX + gateway) ?? null;
  } catch {
    return null; // storage disabled (sandboxed frame, privacy mode)
  }
}

/**
 * @param {string} gateway
 * @param {string} name
 * @param {{rememberTransport?: boolean}} options
 */
function rememberTransport(gateway, name, options) {
  if (options.rememberTransport === false) return;
  try {
    globalThis.sessionStorage?.setItem(STORAGE_PREFIX + gateway, name);
  } catch { /* storage disabled */ }
}

/**
 * Which failures end the session instead of being retried.
 * @param {import('./transports/base.js').DownInfo} info
 * @param {boolean} everAttached
 * @returns {{code: number, reason: string}|null}
 */
export function fatalFailure(info, everAttached) {
  const why = info.reason;
  if (info.status === 403 || info.wsCode === 1008) {
    return { code: CloseCode.POLICY_VIOLATION, reason: `the gateway refused this page: ${why}` };
  }
  // 4015: the node does not hold the session (it died or restarted, docs/SCALING.md): retrying it is useless.
  if (info.status === 410 || info.wsCode === CloseCode.SESSION_UNKNOWN) {
    return { code: CloseCode.SESSION_UNKNOWN, reason: why };
  }
  if ((info.status === 404 || info.wsCode === 4004) && everAttached) {
    return { code: CloseCode.SESSION_EXPIRED, reason: `the gateway no longer knows this session: ${why}` };
  }
  if (info.status === 400 || info.status === 413 || info.wsCode === 1002 || info.wsCode === 1009) {
    return { code: CloseCode.PROTOCOL_ERROR, reason: `the gateway rejected our frames: ${why}` };
  }
  if (info.status === 429) return { code: CloseCode.LIMIT_EXCEEDED, reason: why };
  if (info.status === 503 || info.wsCode === 4010) return { code: CloseCode.GATEWAY_SHUTDOWN, reason: why };
  return null;
}
