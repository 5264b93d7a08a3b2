// A STOMP 1.2 chat written the way STOMP-over-WebSocket pages are: a WebSocket-like object
// in, frames out. CometSocket is that object, over a raw TCP connection to the broker.
import { CometSocket, closeCodeName } from '/cometgate.js';

/** STOMP 1.2 header escaping (section "Value Encoding"). */
function escapeHeader(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
}

function unescapeHeader(value) {
  return value.replace(/\\([\\rnc])/g, (_, c) => ({ '\\': '\\', r: '\r', n: '\n', c: ':' })[c]);
}

/** Builds a frame; the body must not contain NUL (it ends the frame). */
export function frame(command, headers = {}, body = '') {
  const lines = Object.entries(headers).map(([k, v]) => `${escapeHeader(k)}:${escapeHeader(v)}`);
  return `${command}\n${lines.join('\n')}\n\n${String(body).replace(/\0/g, '')}\0`;
}

/**
 * Splits received text into frames. TCP (and so CometSocket) has no message boundaries, so a
 * `message` event may hold half a frame or several; heart-beats are bare newlines between frames.
 */
export class FrameParser {
  constructor() { this.buf = ''; }

  /** @returns {Array<{command: string, headers: Record<string, string>, body: string}>} */
  push(text) {
    this.buf += text;
    const frames = [];
    let nul;
    while ((nul = this.buf.indexOf('\0')) >= 0) {
      const raw = this.buf.slice(0, nul).replace(/^[\r\n]+/, '');
      this.buf = this.buf.slice(nul + 1);
      const split = raw.search(/\r?\n\r?\n/);
      const head = split < 0 ? raw : raw.slice(0, split);
      const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
      const [command, ...lines] = head.split(/\r?\n/);
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const key = unescapeHeader(line.slice(0, colon));
        if (colon > 0 && !(key in headers)) headers[key] = unescapeHeader(line.slice(colon + 1)); // first one wins (1.2)
      }
      frames.push({ command, headers, body });
    }
    this.buf = this.buf.replace(/^[\r\n]+/, '');
    return frames;
  }
}

// ---- the page ----

const $ = (id) => document.getElementById(id);
let ws = null;
let parser = null;
let heartBeat = null;
let nextReceipt = 1;
let destination = '';
const pendingReceipts = new Map();

function addLine(kind, who, text) {
  const div = document.createElement('div');
  div.className = `line ${kind}`;
  const whoSpan = document.createElement('span');
  whoSpan.className = 'who';
  whoSpan.textContent = who ? `${who}: ` : '';
  div.append(`${new Date().toTimeString().slice(0, 5)} `, whoSpan, text);
  $('log').append(div);
  $('log').scrollTop = $('log').scrollHeight;
  return div;
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

function setConnected(on, ready = false) {
  $('connect').disabled = on;
  $('disconnect').disabled = !on;
  $('text').disabled = !ready;
  $('send').disabled = !ready;
}

function onFrame(f) {
  switch (f.command) {
    case 'CONNECTED':
      setStatus(`Connected to ${f.headers.server ?? 'the broker'}; subscribing to ${destination}...`);
      ws.send(frame('SUBSCRIBE', { id: 'room', destination, ack: 'auto', receipt: 'subscribed' }));
      break;
    case 'RECEIPT':
      if (f.headers['receipt-id'] === 'subscribed') {
        setStatus(`In room ${$('room').value} (${destination}).`);
        setConnected(true, true);
      } else if (pendingReceipts.has(f.headers['receipt-id'])) {
        const line = pendingReceipts.get(f.headers['receipt-id']);
        pendingReceipts.delete(f.headers['receipt-id']);
        line.classList.add('confirmed');
        line.querySelector('.receipt').textContent = ' (received by the broker)';
      }
      break;
    case 'MESSAGE':
      if (f.headers['x-sender-id'] === myId) break; // our own, already shown
      addLine('in', f.headers['x-name'] ?? '(no name)', f.body);
      break;
    case 'ERROR':
      setStatus(`Broker error: ${f.headers.message ?? 'unknown'}`, true);
      addLine('error', '', `broker error: ${f.headers.message ?? ''} ${f.body}`.trim());
      break;
    default:
      addLine('error', '', `unexpected frame ${f.command}`);
  }
}

const myId = Math.random().toString(36).slice(2, 10);

$('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const room = $('room').value.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(room)) { setStatus('A room name is letters, digits, _ and - only', true); return; }
  destination = `/topic/chat.${room}`;
  parser = new FrameParser();
  setConnected(true);
  setStatus(`Connecting to ${$('server').value}...`);
  try {
    ws = new CometSocket($('server').value.trim(), { text: true });
  } catch (err) {
    setConnected(false);
    setStatus(`Cannot connect: ${err.message}`, true);
    return;
  }
  ws.onopen = () => {
    ws.send(frame('CONNECT', { 'accept-version': '1.2', host: '/', login: $('login').value, passcode: $('passcode').value, 'heart-beat': '20000,0' }));
    // We promised a heart-beat every 20 s: an EOL between frames.
    heartBeat = setInterval(() => { if (ws?.readyState === CometSocket.OPEN) ws.send('\n'); }, 20000);
  };
  ws.onmessage = (e) => { for (const f of parser.push(e.data)) onFrame(f); };
  ws.onclose = (e) => {
    clearInterval(heartBeat);
    setConnected(false);
    if (!e.wasClean) setStatus(`Connection failed: ${closeCodeName(e.code)} (${e.code}): ${e.reason}`, true);
    else if ($('status').className !== 'error') setStatus(`Disconnected (${e.code}${e.reason ? `: ${e.reason}` : ''}).`);
    ws = null;
  };
});

$('disconnect').addEventListener('click', () => {
  if (!ws) return;
  ws.send(frame('DISCONNECT', { receipt: 'bye' }));
  ws.close();
});

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (!ws || text.trim() === '') return;
  const receipt = `m${nextReceipt++}`;
  ws.send(frame('SEND', { destination, 'content-type': 'text/plain;charset=utf-8', 'x-name': $('name').value, 'x-sender-id': myId, receipt }, text));
  const line = addLine('out', $('name').value, text);
  const mark = document.createElement('span');
  mark.className = 'receipt';
  mark.textContent = ' (sending...)';
  line.append(mark);
  pendingReceipts.set(receipt, line);
  $('text').value = '';
});
