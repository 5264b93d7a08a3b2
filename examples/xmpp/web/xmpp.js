// A small XMPP client: an XML stream over a cometgate TCPSocket. The gateway's hop to the
// server is TLS, so SASL PLAIN is safe to offer; the page itself only sees plain XML.
import { TCPSocket } from '/cometgate.js';

const NS_CLIENT = 'jabber:client';
const NS_STREAM = 'http://etherx.jabber.org/streams';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';

/** Escapes text for XML content and attribute values. */
export function xmlEscape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
}

/**
 * Cuts an XMPP stream into its parts: the `<stream:stream>` opening tag, each complete
 * top-level stanza, and the closing `</stream:stream>`. Quotes are tracked so a `>` inside an
 * attribute value does not end a tag.
 */
export class StanzaSplitter {
  constructor() {
    this.buf = '';
    this.depth = 0;
    this.start = 0;
    this.pos = 0;
  }

  /** @returns {Array<{kind: 'open'|'stanza'|'close', xml: string}>} */
  push(text) {
    this.buf += text;
    const out = [];
    for (;;) {
      const lt = this.buf.indexOf('<', this.pos);
      if (lt < 0) break;
      const gt = tagEnd(this.buf, lt);
      if (gt < 0) break;
      const tag = this.buf.slice(lt, gt + 1);
      this.pos = gt + 1;
      if (tag.startsWith('<?') || tag.startsWith('<!')) continue;
      if (tag.startsWith('</')) {
        if (this.depth === 0) { out.push({ kind: 'close', xml: tag }); continue; }
        this.depth--;
        if (this.depth === 0) out.push({ kind: 'stanza', xml: this.buf.slice(this.start, gt + 1) });
      } else if (this.depth === 0 && /^<stream:stream[\s>]/.test(tag)) {
        out.push({ kind: 'open', xml: tag });
      } else if (tag.endsWith('/>')) {
        if (this.depth === 0) out.push({ kind: 'stanza', xml: tag });
      } else {
        if (this.depth === 0) this.start = lt;
        this.depth++;
      }
    }
    const keep = this.depth > 0 ? this.start : this.pos;
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    this.start = 0;
    return out;
  }
}

function tagEnd(s, from) {
  let quote = '';
  for (let i = from + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) { if (c === quote) quote = ''; } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** Parses one stanza with the browser's XML parser, inside the stream's namespaces. */
function parseStanza(xml) {
  const doc = new DOMParser().parseFromString(`<w xmlns="${NS_CLIENT}" xmlns:stream="${NS_STREAM}">${xml}</w>`, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new Error(`unparsable XML from the server: ${xml.slice(0, 80)}`);
  return /** @type {Element} */ (doc.documentElement.firstElementChild);
}

function child(el, ns, name) {
  return [...el.children].find((c) => c.namespaceURI === ns && c.localName === name) ?? null;
}

function base64Utf8(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** One XMPP client stream: SASL PLAIN, bind, session, presence; reports through `on*` callbacks. */
class XmppConnection {
  constructor(target, jid, password, handlers) {
    const m = /^([^@/\s]+)@([^@/\s]+)$/.exec(jid);
    if (!m) throw new Error(`"${jid}" is not a bare JID like user@domain`);
    [, this.user, this.domain] = m;
    this.password = password;
    this.handlers = handlers;
    this.authenticated = false;
    this.jid = '';
    this.nextId = 1;
    this.splitter = new StanzaSplitter();
    this.socket = new TCPSocket(target, undefined, { binaryType: 'string' });
    this.socket.addEventListener('open', () => { handlers.onStatus('Connected; opening the XML stream...'); this.openStream(); });
    this.socket.addEventListener('data', (e) => this.receive(e.data));
    this.socket.addEventListener('error', (e) => handlers.onError(e.error ?? new Error(e.message)));
    this.socket.addEventListener('close', (e) => { clearInterval(this.keepAlive); handlers.onClose(e.code, e.reason); });
    // Whitespace keepalive (RFC 6120 4.6.1): keeps idle timeouts on every hop from firing.
    this.keepAlive = setInterval(() => this.write(' '), 60000);
  }

  openStream() {
    this.splitter = new StanzaSplitter();
    this.write(`<?xml version='1.0'?><stream:stream to='${xmlEscape(this.domain)}' version='1.0' xml:lang='en' xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAM}'>`);
  }

  write(xml) {
    if (this.socket.readyState === 'open') this.socket.send(xml);
  }

  id() {
    return `web${this.nextId++}`;
  }

  receive(text) {
    for (const part of this.splitter.push(text)) {
      if (part.kind === 'close') { this.handlers.onError(new Error('the server closed the XML stream')); this.socket.close(); return; }
      if (part.kind === 'stanza') {
        try { this.stanza(parseStanza(part.xml)); } catch (err) { this.handlers.onError(err); this.close(); return; }
      }
    }
  }

  stanza(el) {
    const ns = el.namespaceURI;
    const name = el.localName;
    if (ns === NS_STREAM && name === 'features') this.features(el);
    else if (ns === NS_STREAM && name === 'error') {
      const condition = [...el.children].map((c) => c.localName).find((n) => n !== 'text') ?? 'unknown';
      this.handlers.onError(new Error(`stream error from the server: ${condition}`));
    } else if (ns === NS_SASL && name === 'success') {
      this.authenticated = true;
      this.handlers.onStatus('Authenticated; binding a resource...');
      this.openStream(); // RFC 6120 6.4.6: a new stream after SASL success
    } else if (ns === NS_SASL && name === 'failure') {
      const condition = el.firstElementChild?.localName ?? 'unknown';
      this.handlers.onError(new Error(`login failed: ${condition}`));
      this.close();
    } else if (name === 'iq') this.iq(el);
    else if (name === 'message') this.message(el);
    else if (name === 'presence') this.presence(el);
  }

  features(el) {
    if (!this.authenticated) {
      const mechs = child(el, NS_SASL, 'mechanisms');
      const offered = mechs ? [...mechs.children].map((m) => m.textContent) : [];
      if (!offered.includes('PLAIN')) {
        this.handlers.onError(new Error(`the server offers no SASL PLAIN (offers: ${offered.join(', ') || 'nothing'})`));
        this.close();
        return;
      }
      this.handlers.onStatus('Logging in (SASL PLAIN)...');
      this.write(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${base64Utf8(`\0${this.user}\0${this.password}`)}</auth>`);
      return;
    }
    this.needsSession = (() => { const s = child(el, NS_SESSION, 'session'); return s !== null && child(s, NS_SESSION, 'optional') === null; })();
    this.bindId = this.id();
    this.write(`<iq type='set' id='${this.bindId}'><bind xmlns='${NS_BIND}'><resource>web</resource></bind></iq>`);
  }

  iq(el) {
    const type = el.getAttribute('type');
    const id = el.getAttribute('id');
    if (id === this.bindId) {
      if (type !== 'result') { this.handlers.onError(new Error('the server refused resource binding')); this.close(); return; }
      this.jid = el.querySelector('jid')?.textContent ?? '';
      if (this.needsSession) { this.sessionId = this.id(); this.write(`<iq type='set' id='${this.sessionId}'><session xmlns='${NS_SESSION}'/></iq>`); } else this.online();
    } else if (id === this.sessionId) {
      this.online();
    } else if (type === 'get' || type === 'set') {
      // Every request needs an answer (RFC 6120 8.2.3): pings get a result, the rest an error.
      const ping = el.firstElementChild?.namespaceURI === 'urn:xmpp:ping';
      const to = xmlEscape(el.getAttribute('from') ?? this.domain);
      this.write(ping ? `<iq type='result' id='${xmlEscape(id)}' to='${to}'/>`
        : `<iq type='error' id='${xmlEscape(id)}' to='${to}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`);
    }
  }

  online() {
    this.write('<presence/>');
    this.handlers.onOnline(this.jid);
  }

  message(el) {
    const body = el.querySelector('body')?.textContent;
    const from = el.getAttribute('from') ?? '';
    if (el.getAttribute('type') === 'error') { this.handlers.onError(new Error(`message to ${from} bounced`), false); return; }
    if (body !== undefined) this.handlers.onMessage(from, body);
  }

  presence(el) {
    const from = el.getAttribute('from') ?? '';
    if (from === this.jid) return;
    const type = el.getAttribute('type') ?? 'available';
    this.handlers.onPresence(from, type, el.querySelector('show')?.textContent ?? '');
  }

  sendChat(to, body) {
    this.write(`<message to='${xmlEscape(to)}' type='chat' id='${this.id()}'><body>${xmlEscape(body)}</body></message>`);
  }

  close() {
    this.write('<presence type=\'unavailable\'/></stream:stream>');
    this.socket.close();
  }
}

// ---- the page ----

const $ = (id) => document.getElementById(id);
/** @type {XmppConnection|null} */
let xmpp = null;

function addLine(kind, who, text) {
  const div = document.createElement('div');
  div.className = `line ${kind}`;
  const whoSpan = document.createElement('span');
  whoSpan.className = 'who';
  whoSpan.textContent = who ? `${who}: ` : '';
  div.append(`${new Date().toTimeString().slice(0, 5)} `, whoSpan, text);
  $('log').append(div);
  $('log').scrollTop = $('log').scrollHeight;
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

function setConnected(on, online = false) {
  $('login').disabled = on;
  $('logout').disabled = !on;
  $('body').disabled = !online;
  $('send').disabled = !online;
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setConnected(true);
  setStatus(`Connecting to ${$('server').value}...`);
  try {
    xmpp = new XmppConnection($('server').value.trim(), $('jid').value.trim(), $('password').value, {
      onStatus: (text) => setStatus(text),
      onOnline: (jid) => { setConnected(true, true); setStatus(`Online as ${jid}.`); addLine('info', '', `online as ${jid}`); },
      onMessage: (from, body) => addLine('in', from.split('/')[0], body),
      onPresence: (from, type, show) => addLine('presence', '', `${from} is ${type === 'available' ? show || 'online' : type}`),
      onError: (err, fatal = true) => {
        if (fatal) setStatus(`Error: ${err.message}`, true);
        addLine('error', '', err.message);
      },
      onClose: (code, reason) => {
        setConnected(false);
        if ($('status').className !== 'error') setStatus(`Disconnected (${code}${reason ? `: ${reason}` : ''}).`);
        xmpp = null;
      },
    });
  } catch (err) {
    setConnected(false);
    setStatus(`Error: ${err.message}`, true);
  }
});

$('logout').addEventListener('click', () => xmpp?.close());

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const body = $('body').value;
  const to = $('to').value.trim();
  if (!xmpp || body.trim() === '' || to === '') return;
  xmpp.sendChat(to, body);
  addLine('out', 'me', `(to ${to}) ${body}`);
  $('body').value = '';
});
