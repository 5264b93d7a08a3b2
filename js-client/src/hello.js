/**
 * HELLO, the gateway's announcement of a session and its limits (docs/PROTOCOL.md "HELLO").
 * @module
 */

import { FrameError, DEFAULT_MAX_FRAME } from './frame.js';

/**
 * `probe`: the gateway answers a HEARTBEAT from the client at once on the downstream, so a quiet
 * downstream may be probed (docs/PROTOCOL.md "Liveness"); older gateways leave it out.
 * @typedef {{v: number, session: string, ack: number, heartbeatMs: number, timeoutMs: number, maxFrame: number, maxMessage?: number, window: number, probe: boolean}} Hello
 */

/**
 * Checks a HELLO object and fills in defaults.
 * @param {any} hello as the gateway sent it
 * @param {string|null} knownId the session id already known, if any
 * @returns {Hello}
 * @throws {FrameError} for another protocol version, no session id or a different one
 */
export function readHello(hello, knownId) {
  if (!hello || hello.v !== 1) throw new FrameError(`HELLO speaks protocol version ${hello?.v}, this client speaks 1`, 0);
  if (typeof hello.session !== 'string' || !hello.session) throw new FrameError('HELLO without a session id', 0);
  if (knownId && hello.session !== knownId) throw new FrameError('HELLO names a different session', 0);
  return {
    v: 1,
    session: hello.session,
    ack: Number(hello.ack) || 0,
    heartbeatMs: Number(hello.heartbeatMs) || 25000,
    timeoutMs: Number(hello.timeoutMs) || 30000,
    maxFrame: Number(hello.maxFrame) || DEFAULT_MAX_FRAME,
    maxMessage: Number(hello.maxMessage) || undefined,
    window: Number(hello.window) || 65536,
    probe: hello.probe === true,
  };
}
