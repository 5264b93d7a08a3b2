/**
 * A WebSocket-like object for noVNC's RFB(target, channel): a WebSocket with the websockify
 * 'base64' subprotocol underneath (text messages of base64 both ways, as websockify and
 * noVNC up to 0.6 spoke), ArrayBuffer messages toward noVNC.
 */
export class Base64Channel {
  /** @param {string} url */
  constructor(url) {
    this.binaryType = 'arraybuffer';
    this.protocol = '';
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    this.ws = new WebSocket(url, ['base64']);
    this.ws.onopen = (e) => { this.protocol = this.ws.protocol; this.onopen?.(e); };
    this.ws.onclose = (e) => this.onclose?.(e);
    this.ws.onerror = (e) => this.onerror?.(e);
    this.ws.onmessage = (e) => {
      const text = atob(e.data);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      this.onmessage?.({ data: bytes.buffer });
    };
  }

  get readyState() { return this.ws.readyState; }

  get bufferedAmount() { return this.ws.bufferedAmount; }

  /** @param {ArrayBuffer | Uint8Array} data */
  send(data) {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    this.ws.send(btoa(text));
  }

  close(code, reason) { this.ws.close(code, reason); }
}
