// The demo page's script: everything here is plain use of the public client API.
import { TCPSocket } from '/cometgate.js';

const $ = (id) => document.getElementById(id);

function log(box, text, cls) {
  const line = document.createElement('div');
  line.textContent = text;
  if (cls) line.className = cls;
  $(box).append(line);
  $(box).scrollTop = $(box).scrollHeight;
}

function options() {
  const forced = $('transport').value;
  return forced ? { transports: forced, binaryType: 'string' } : { binaryType: 'string' };
}

function connect(alias, box, form, input) {
  const socket = new TCPSocket(alias, undefined, options());
  socket.onopen = () => log(box, `connected to ${alias} (${socket.remoteAddress}:${socket.remotePort})`, 'status');
  socket.ondata = (event) => log(box, String(event.data).replace(/\n$/, ''));
  socket.onerror = (event) => log(box, `error: ${event.message}`, 'error');
  socket.onclose = (event) => log(box, `closed: ${event.code} ${event.reason}`, 'status');
  $(form).onsubmit = (event) => {
    event.preventDefault();
    if ($(input).value) socket.send($(input).value + '\n');
    $(input).value = '';
  };
  return socket;
}

let sockets = [];
function start() {
  sockets.forEach((s) => s.close());
  $('echo-log').textContent = '';
  $('chat-log').textContent = '';
  sockets = [connect('echo', 'echo-log', 'echo-form', 'echo-input'), connect('chat', 'chat-log', 'chat-form', 'chat-input')];
}

$('transport').onchange = start;
$('denied').onclick = () => {
  const socket = new TCPSocket('169.254.169.254', 80, options());
  socket.onerror = (event) => { $('denied-result').textContent = `refused: ${event.code ?? ''} ${event.message}`; };
  socket.onclose = (event) => { $('denied-result').textContent = `closed: ${event.code} ${event.reason}`; };
};
start();
