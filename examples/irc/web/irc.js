// A small IRC client: raw IRC lines over a cometgate TCPSocket. Protocol handling is in
// IrcConnection (no DOM); the rest of the file is the page.
import { TCPSocket } from '/cometgate.js';

/**
 * Parses one IRC line: `[@tags] [:prefix] COMMAND params... [:trailing]`.
 * @param {string} line without CR LF
 * @returns {{prefix: string, nick: string, command: string, params: string[]}}
 */
export function parseLine(line) {
  let rest = line;
  if (rest.startsWith('@')) rest = rest.slice(rest.indexOf(' ') + 1).trimStart();
  let prefix = '';
  if (rest.startsWith(':')) {
    const sp = rest.indexOf(' ');
    prefix = sp < 0 ? rest.slice(1) : rest.slice(1, sp);
    rest = sp < 0 ? '' : rest.slice(sp + 1).trimStart();
  }
  const params = [];
  while (rest.length > 0) {
    if (rest.startsWith(':')) { params.push(rest.slice(1)); break; }
    const sp = rest.indexOf(' ');
    if (sp < 0) { params.push(rest); break; }
    params.push(rest.slice(0, sp));
    rest = rest.slice(sp + 1).trimStart();
  }
  const command = (params.shift() ?? '').toUpperCase();
  return { prefix, nick: prefix.split('!')[0], command, params };
}

/** IRC forbids CR, LF and NUL inside a line: they would let a message inject commands. */
function clean(text) {
  return String(text).replace(/[\r\n\0]/g, ' ');
}

/** One IRC connection: registration, PING, line framing; reports through `on*` callbacks. */
class IrcConnection {
  constructor(target, nick, handlers) {
    this.nick = nick;
    this.handlers = handlers;
    this.buffer = '';
    this.socket = new TCPSocket(target, undefined, { binaryType: 'string' });
    this.socket.addEventListener('open', () => {
      this.send(`NICK ${nick}`);
      this.send(`USER ${nick} 0 * :cometgate web IRC example`);
      handlers.onOpen();
    });
    this.socket.addEventListener('data', (e) => this.receive(e.data));
    this.socket.addEventListener('error', (e) => handlers.onError(e.error ?? new Error(e.message)));
    this.socket.addEventListener('close', (e) => handlers.onClose(e.code, e.reason));
  }

  receive(text) {
    this.buffer += text;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') continue;
      const msg = parseLine(line);
      if (msg.command === 'PING') {
        this.send(`PONG :${msg.params[0] ?? ''}`);
        continue;
      }
      if (msg.command === '001') this.nick = msg.params[0] ?? this.nick;
      if (msg.command === 'NICK' && msg.nick === this.nick) this.nick = msg.params[0];
      this.handlers.onMessage(msg, line);
    }
  }

  send(line) {
    if (this.socket.readyState === 'open' || this.socket.readyState === 'connecting') {
      this.socket.send(`${clean(line)}\r\n`);
    }
  }

  close() {
    this.socket.close();
  }
}

// ---- the page ----

const $ = (id) => document.getElementById(id);
const log = $('log');
const members = new Set();
/** @type {IrcConnection|null} */
let irc = null;
let channel = '';
let registered = false;

function addLine(kind, who, text) {
  const div = document.createElement('div');
  div.className = `line ${kind}`;
  const time = new Date().toTimeString().slice(0, 5);
  const whoSpan = document.createElement('span');
  whoSpan.className = 'who';
  whoSpan.textContent = who ? `<${who}> ` : '';
  div.append(`${time} `, whoSpan, text);
  log.append(div);
  log.scrollTop = log.scrollHeight;
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

function renderMembers() {
  const list = $('members');
  list.replaceChildren(...[...members].sort().map((n) => {
    const li = document.createElement('li');
    li.textContent = n;
    return li;
  }));
}

function setConnected(on) {
  $('connect').disabled = on;
  $('disconnect').disabled = !on;
  $('message').disabled = !on;
  $('send').disabled = !on;
}

function onMessage(msg) {
  const [first, second] = msg.params;
  const last = msg.params[msg.params.length - 1] ?? '';
  switch (msg.command) {
    case '001':
      registered = true;
      setStatus(`Connected as ${irc.nick}; joining ${channel}...`);
      addLine('server', '', last);
      irc.send(`JOIN ${channel}`);
      break;
    case '433': // nick in use: try another before registration completes
      addLine('error', '', `${second} is taken, trying ${second}_`);
      if (!registered) irc.send(`NICK ${second}_`);
      break;
    case '353': // NAMES reply: "= #chan :nick1 @nick2"
      for (const n of last.split(' ').filter(Boolean)) members.add(n.replace(/^[@+%&~]/, ''));
      renderMembers();
      break;
    case '366':
      setStatus(`Connected as ${irc.nick} in ${channel}.`);
      break;
    case 'JOIN':
      if (msg.nick === irc.nick) { channel = first; members.clear(); }
      members.add(msg.nick);
      renderMembers();
      addLine('join', '', `* ${msg.nick} joined ${first}`);
      break;
    case 'PART':
      members.delete(msg.nick);
      renderMembers();
      addLine('part', '', `* ${msg.nick} left ${first}${second ? ` (${second})` : ''}`);
      break;
    case 'QUIT':
      members.delete(msg.nick);
      renderMembers();
      addLine('quit', '', `* ${msg.nick} quit${first ? ` (${first})` : ''}`);
      break;
    case 'NICK':
      if (members.delete(msg.nick)) members.add(first);
      renderMembers();
      addLine('nick', '', `* ${msg.nick} is now ${first}`);
      break;
    case 'PRIVMSG': {
      const action = /^\x01ACTION (.*)\x01$/.exec(second ?? '');
      const where = first === irc.nick ? ' (private)' : '';
      if (action) addLine('action', '', `* ${msg.nick} ${action[1]}${where}`);
      else addLine('privmsg', msg.nick, `${second}${where}`);
      break;
    }
    case 'NOTICE':
      addLine('notice', msg.nick || 'server', `-${last}-`);
      break;
    case 'ERROR':
      addLine('error', '', `server: ${last}`);
      break;
    default:
      if (/^[45]\d\d$/.test(msg.command)) addLine('error', '', msg.params.slice(1).join(' '));
      else if (/^\d{3}$/.test(msg.command)) addLine('server', '', msg.params.slice(1).join(' '));
  }
}

function connect(event) {
  event.preventDefault();
  const nick = $('nick').value.trim();
  channel = $('channel').value.trim();
  if (!/^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,15}$/.test(nick)) { setStatus(`"${nick}" is not a valid nick`, true); return; }
  if (!/^[#&][^\s,\x07]{1,49}$/.test(channel)) { setStatus(`"${channel}" is not a channel name (start it with #)`, true); return; }
  registered = false;
  members.clear();
  renderMembers();
  setConnected(true);
  setStatus(`Connecting to ${$('server').value}...`);
  try {
    irc = new IrcConnection($('server').value.trim(), nick, {
      onOpen: () => setStatus('Connected; registering...'),
      onMessage,
      onError: (err) => {
        setStatus(`Connection failed: ${err.message}`, true);
        addLine('error', '', `connection failed: ${err.message}`);
      },
      onClose: (code, reason) => {
        setConnected(false);
        if ($('status').className !== 'error') setStatus(`Disconnected (${code}${reason ? `: ${reason}` : ''}).`);
        irc = null;
      },
    });
  } catch (err) {
    setConnected(false);
    setStatus(`Cannot connect: ${err.message}`, true);
  }
}

function command(text) {
  const [cmd, ...args] = text.slice(1).split(' ');
  const rest = args.join(' ');
  switch (cmd.toLowerCase()) {
    case 'join': irc.send(`JOIN ${args[0]}`); break;
    case 'part': irc.send(`PART ${args[0] ?? channel} :${args.slice(1).join(' ') || 'bye'}`); break;
    case 'nick': irc.send(`NICK ${args[0]}`); break;
    case 'quit': irc.send(`QUIT :${rest || 'leaving'}`); break;
    case 'me':
      irc.send(`PRIVMSG ${channel} :\x01ACTION ${rest}\x01`);
      addLine('action self', '', `* ${irc.nick} ${rest}`);
      break;
    case 'msg':
      irc.send(`PRIVMSG ${args[0]} :${args.slice(1).join(' ')}`);
      addLine('privmsg self', irc.nick, `(to ${args[0]}) ${args.slice(1).join(' ')}`);
      break;
    default: addLine('error', '', `unknown command /${cmd}`);
  }
}

$('connect-form').addEventListener('submit', connect);
$('disconnect').addEventListener('click', () => { if (irc) { irc.send('QUIT :bye'); irc.close(); } });
$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('message').value;
  if (!irc || text.trim() === '') return;
  $('message').value = '';
  if (text.startsWith('/')) { command(text); return; }
  irc.send(`PRIVMSG ${channel} :${text}`);
  addLine('privmsg self', irc.nick, text);
});
