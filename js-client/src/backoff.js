/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a gateway
 * restart is not met by every page reconnecting in the same millisecond.
 * @module
 */

/**
 * @param {number} failures consecutive failed attempts (0 = the transport just dropped: retry at once)
 * @param {{minDelayMs?: number, maxDelayMs?: number}} [options]
 * @param {() => number} [random]
 * @returns {number} milliseconds to wait
 */
export function backoffDelay(failures, options = {}, random = Math.random) {
  if (failures <= 0) return 0;
  const min = options.minDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10000;
  const ceiling = Math.min(max, min * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
