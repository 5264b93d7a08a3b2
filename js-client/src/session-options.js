/**
 * The options a session takes, with their defaults, in one place: each is read by the module
 * whose job it tunes (session, backoff, liveness, reliable link, flow control, transport
 * choice), and this is where a reader finds them all. The published declaration is
 * `SessionOptions` in index.d.ts; keep the two in step.
 * @module
 */

/**
 * @typedef {object} SessionOptions
 * @property {string|string[]} [transports] one forced transport or an ordered list (default: all available)
 * @property {number} [connectTimeoutMs] per attempt until a transport first worked (default 10000)
 * @property {number} [requestTimeoutMs] the longest one upstream POST may take (default 40000); the answer deadline for its size ends it sooner
 * @property {number} [minDelayMs] reconnect backoff start (default 250)
 * @property {number} [maxDelayMs] reconnect backoff ceiling (default 10000)
 * @property {number} [lingerMs] keep an idle session this long after its last socket closed (default 5000)
 * @property {number} [ackDelayMs] acknowledge within this long (default 200)
 * @property {number} [maxWindow] largest a channel's receive window grows to (default 1 MiB)
 * @property {number} [windowBudget] the sum of the session's receive windows grows no further (default 2 MiB)
 * @property {number} [ackBytes] acknowledge at least every this many bytes (default 32768), plus a
 *   quarter of how far the session's receive windows grew
 * @property {boolean} [rememberTransport] remember the last good transport in sessionStorage (default true)
 * @property {boolean} [closeOnPageHide] close the session at `pagehide` (default true)
 * @property {ReadonlyArray<typeof import('./transports/base.js').Transport>} [transportClasses]
 *   the transports to choose from (tests inject fakes here)
 */

/** @typedef {SessionOptions & import('./liveness.js').LivenessOptions} AllSessionOptions */

export {};
