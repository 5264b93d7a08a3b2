/**
 * Event classes and `onxxx` handler properties shared by the socket classes. Node 20 lacks
 * CloseEvent and ErrorEvent, so the client defines its own small ones.
 * @module
 */

/** A `close` event: `code` and `reason` as the gateway reported them. */
export class SocketCloseEvent extends Event {
  /**
   * @param {string} type
   * @param {{code?: number, reason?: string, wasClean?: boolean}} [init]
   */
  constructor(type, init = {}) {
    super(type);
    this.code = init.code ?? 1000;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/** An `error` event; `error` is the {@link import('./codes.js').CometGateError}. */
export class SocketErrorEvent extends Event {
  /**
   * @param {string} type
   * @param {{error?: any, message?: string}} [init]
   */
  constructor(type, init = {}) {
    super(type);
    this.error = init.error;
    this.message = init.message ?? init.error?.message ?? '';
    this.code = init.error?.code;
  }
}

/** A `data` / `message` event carrying `data`. */
export class SocketDataEvent extends Event {
  /**
   * @param {string} type
   * @param {{data?: any}} [init]
   */
  constructor(type, init = {}) {
    super(type);
    this.data = init.data;
  }
}

/**
 * Adds `on<type>` properties that behave like the DOM's: assigning registers the function as a
 * listener (replacing the previous one), `null` removes it.
 * @param {Function} cls
 * @param {string[]} types
 * @param {(target: any, type: string) => void} [onSet] called after a handler was assigned
 */
export function defineEventHandlers(cls, types, onSet) {
  for (const type of types) {
    const slot = Symbol(`on${type}`);
    Object.defineProperty(cls.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get() { return this[slot]?.handler ?? null; },
      set(handler) {
        if (this[slot]) this.removeEventListener(type, this[slot].listener);
        this[slot] = null;
        if (typeof handler === 'function') {
          const listener = (/** @type {Event} */ e) => handler.call(this, e);
          this[slot] = { handler, listener };
          this.addEventListener(type, listener);
        }
        if (onSet) onSet(this, type);
      },
    });
  }
}
