/**
 * The pace of a session's connection attempts: how long one attempt may take, and after a
 * failed one whether to give up or when to try again. It keeps the clocks these need (when the
 * gateway was last heard from, how long the last successful attach took), so the session only
 * asks "how long?" and "what now?". Which transport the next attempt uses is
 * {@link TransportChoice}'s job; this decides when and whether.
 * @module
 */

import { CloseCode } from './codes.js';
import { backoffDelay } from './backoff.js';
import { fatalFailure } from './transport-choice.js';

/**
 * @typedef {{code: number, reason: string}} GiveUp the session ends with this
 * @typedef {{delayMs: number}} Retry the next attempt starts after this pause
 */

export class ReconnectPacing {
  /**
   * @param {{connectTimeoutMs?: number, minDelayMs?: number, maxDelayMs?: number}} options
   * @param {import('./transport-choice.js').TransportChoice} choice
   * @param {string} gateway for error messages
   */
  constructor(options, choice, gateway) {
    this.options = options;
    this.choice = choice;
    this.gateway = gateway;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10000;
    /** when the gateway was last heard from (any bytes), for giving up */
    this.lastHeardAt = 0;
    /** when the current attempt started, and how long the last successful one took */
    this.attemptStartedAt = 0;
    this.lastAttachMs = 0;
  }

  /** Bytes arrived from the gateway. */
  heard() {
    this.lastHeardAt = Date.now();
  }

  /**
   * An attempt starts now.
   * @param {import('./liveness.js').LivenessPlan} plan the deadlines for its transport
   * @returns {number} how long it may take to prove itself
   */
  attemptStarts(plan) {
    this.attemptStartedAt = Date.now();
    // A session that had a transport retries briskly (the gateway keeps it only for timeoutMs),
    // though never faster than this network has shown it can attach.
    return this.choice.everAttached
      ? Math.min(this.connectTimeoutMs, Math.max(plan.reattachTimeoutMs, 3 * this.lastAttachMs))
      : this.connectTimeoutMs;
  }

  /** The current attempt proved itself. */
  attached() {
    this.heard();
    this.lastAttachMs = this.lastHeardAt - this.attemptStartedAt;
  }

  /**
   * An attempt failed, or a transport that had worked went down: give up, or retry when.
   * Tells the transport choice, so the next attempt picks the right transport.
   * @param {import('./transports/base.js').DownInfo} info
   * @param {boolean} wasAttached the transport had proven itself
   * @param {import('./liveness.js').LivenessPlan} plan
   * @returns {GiveUp|Retry}
   */
  afterFailure(info, wasAttached, plan) {
    const fatal = fatalFailure(info, this.choice.everAttached);
    if (fatal) return fatal;
    if (wasAttached) {
      this.choice.dropped();
    } else {
      this.choice.failed();
      if (this.choice.exhausted) {
        return { code: CloseCode.ABNORMAL, reason: `could not reach the gateway at ${this.gateway} with ${this.choice.names}: ${info.reason}` };
      }
      if (this.choice.everAttached && Date.now() - this.lastHeardAt > plan.giveUpAfterMs) {
        return { code: CloseCode.SESSION_EXPIRED, reason: `nothing heard from the gateway for ${plan.giveUpAfterMs} ms: ${info.reason}` };
      }
    }
    let delayMs = this.choice.probing ? 0 : backoffDelay(this.choice.failures, this.options);
    // Reattaching: try again at least every reattachMaxDelayMs, so a healed network is used at once.
    if (this.choice.everAttached) delayMs = Math.min(delayMs, plan.reattachMaxDelayMs);
    return { delayMs };
  }
}
