/**
 * The session's channels: odd ids handed out in order and never reused, and the dispatch of
 * channel frames from the gateway to the channel they name.
 * @module
 */

import { FrameType, readClosePayload, readJsonPayload, readU32 } from './frame.js';
import { Channel } from './channel.js';

export class ChannelTable {
  constructor() {
    /** @type {Map<number, Channel>} */
    this.channels = new Map();
    this.nextId = 1;
  }

  /** @returns {number} open channels */
  get size() {
    return this.channels.size;
  }

  /**
   * @param {import('./session.js').Session} session
   * @param {import('./channel.js').ChannelListener} listener
   * @param {number} window the HELLO window, 0 while unknown
   * @returns {Channel}
   */
  add(session, listener, window) {
    const id = this.nextId;
    this.nextId += 2;
    const channel = new Channel(session, id, listener, window, window || 65536);
    this.channels.set(id, channel);
    return channel;
  }

  /** @returns {boolean} a channel waits for the gateway: for credit (bytes written, not sent), or for OPENED */
  get waitingForGateway() {
    for (const c of this.channels.values()) {
      if (c.pendingBytes > 0 || c.state === 'opening') return true;
    }
    return false;
  }

  /** @param {Channel} channel */
  remove(channel) {
    this.channels.delete(channel.id);
  }

  /** @param {number} window the HELLO window, now known */
  helloWindow(window) {
    for (const c of this.channels.values()) c._helloWindow(window);
  }

  /**
   * A sequenced channel frame, already checked for order.
   * @param {import('./frame.js').Frame} frame
   */
  dispatch(frame) {
    const channel = this.channels.get(frame.channel);
    if (!channel) return; // already closed on our side: the protocol says ignore it
    switch (frame.type) {
      case FrameType.OPENED: channel._opened(readJsonPayload(frame.payload, 'OPENED')); break;
      case FrameType.DATA: channel._data(frame.payload); break;
      case FrameType.CREDIT: channel._credit(readU32(frame.payload)); break;
      case FrameType.CLOSE: {
        const { code, reason } = readClosePayload(frame.payload);
        channel._remoteClose(code, reason);
        break;
      }
      default: break;
    }
  }

  /**
   * Ends every channel with `code` (the session is over).
   * @param {number} code
   * @param {string} reason
   */
  finishAll(code, reason) {
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const c of channels) c._finish(code, reason);
  }
}
