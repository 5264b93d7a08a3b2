// examples/irc end to end: ngircd on loopback, the gateway jar with examples/irc/irc.policy,
// the page in headless Chromium, and "bob", a plain TCP IRC client connected straight to ngircd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import {
  EXAMPLES, requireBinaries, tempDir, assertPortsFree, startProcess, waitForPort, stopProcess,
  startGateway, launchBrowser, copyInto, removeDir, RecordReader, explained,
} from './harness.js';

const IRC_PORT = 26667;
const GATEWAY_PORT = 26080;
const NGIRCD = '/usr/sbin/ngircd';
const dir = path.join(EXAMPLES, 'irc');

/** A line-based IRC client speaking to ngircd directly. */
async function ircClient(nick) {
  const socket = net.connect({ host: '127.0.0.1', port: IRC_PORT });
  const lines = new RecordReader(socket, '\r\n');
  const send = (line) => socket.write(`${line}\r\n`);
  socket.on('data', () => {});
  // Answer the registration PING (RequireAuthPing) and any later one.
  const answerPings = setInterval(() => {
    const i = lines.records.findIndex((l) => l.startsWith('PING '));
    if (i >= 0) send(`PONG ${lines.records.splice(i, 1)[0].slice(5)}`);
  }, 20);
  socket.on('close', () => clearInterval(answerPings));
  send(`NICK ${nick}`);
  send(`USER ${nick} 0 * :second client`);
  await lines.next((l) => / 001 /.test(l), `${nick}'s 001 welcome`);
  return { socket, lines, send };
}

test('the IRC page chats with a second IRC client through the gateway and ngircd', async (t) => {
  if (!requireBinaries(t, { [NGIRCD]: 'ngircd' })) return;
  await assertPortsFree([IRC_PORT, GATEWAY_PORT]);
  const tmp = tempDir('irc');
  let ngircd; let gateway; let browser; let bob;
  t.after(async () => {
    bob?.socket.destroy();
    await browser?.close().catch(() => {});
    await stopProcess(gateway);
    await stopProcess(ngircd);
    removeDir(tmp);
  });

  // ngircd wants an absolute config path; the copy is byte-for-byte the example's.
  const conf = copyInto(path.join(dir, 'ngircd.conf'), tmp);
  ngircd = startProcess('ngircd', NGIRCD, ['-n', '-f', conf], { cwd: tmp, logFile: path.join(tmp, 'ngircd.log') });
  await waitForPort(IRC_PORT, ngircd, 20000);
  gateway = await startGateway({ policy: path.join(dir, 'irc.policy'), staticDir: path.join(dir, 'web'), port: GATEWAY_PORT, dir: tmp });

  bob = await ircClient('bob');
  bob.send('JOIN #cometgate');
  await bob.lines.next((l) => / 366 bob #cometgate /.test(l), 'bob in #cometgate');

  browser = await launchBrowser();
  const page = await browser.newPage();
  await explained(() => page, [path.join(tmp, 'gateway.log'), path.join(tmp, 'ngircd.log')], async () => {
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
  await page.fill('#nick', 'alice');
  await page.fill('#channel', '#cometgate');
  await page.click('#connect');

  // Registration only completes after the page answered ngircd's PING (RequireAuthPing).
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('in #cometgate'), null, { timeout: 20000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#members li')].some((li) => li.textContent === 'bob'));
  await bob.lines.next((l) => /^:alice!\S+ JOIN :?#cometgate$/.test(l), 'alice joining, seen by bob');

  await page.fill('#message', 'hello from the browser');
  await page.click('#send');
  await bob.lines.next((l) => /^:alice!\S+ PRIVMSG #cometgate :hello from the browser$/.test(l), "the page's message at bob");

  bob.send('PRIVMSG #cometgate :hi alice, bob here');
  await page.waitForFunction(() => [...document.querySelectorAll('#log .privmsg')].some((d) => d.textContent.endsWith('<bob> hi alice, bob here')));

  bob.send('PART #cometgate :off to lunch');
  await page.waitForFunction(() => [...document.querySelectorAll('#log .part')].some((d) => d.textContent.includes('bob left #cometgate (off to lunch)')));
  assert.equal(await page.locator('#members li', { hasText: 'bob' }).count(), 0, 'bob left the member list');
  assert.deepEqual(pageErrors, []);
  });
});

test('the IRC page shows a clear error for a target the policy does not allow', async (t) => {
  if (!requireBinaries(t, { [NGIRCD]: 'ngircd' })) return;
  await assertPortsFree([IRC_PORT, GATEWAY_PORT]);
  const tmp = tempDir('irc-denied');
  let ngircd; let gateway; let browser;
  t.after(async () => {
    await browser?.close().catch(() => {});
    await stopProcess(gateway);
    await stopProcess(ngircd);
    removeDir(tmp);
  });
  const conf = copyInto(path.join(dir, 'ngircd.conf'), tmp);
  ngircd = startProcess('ngircd', NGIRCD, ['-n', '-f', conf], { cwd: tmp, logFile: path.join(tmp, 'ngircd.log') });
  await waitForPort(IRC_PORT, ngircd, 20000);
  gateway = await startGateway({ policy: path.join(dir, 'irc.policy'), staticDir: path.join(dir, 'web'), port: GATEWAY_PORT, dir: tmp });

  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
  // The real server's own address: the policy is aliases-only, so even this is refused.
  for (const target of [`127.0.0.1:${IRC_PORT}`, 'other-irc']) {
    await page.fill('#server', target);
    await page.click('#connect');
    await page.waitForFunction(() => document.getElementById('status').className === 'error', null, { timeout: 20000 });
    const status = await page.textContent('#status');
    assert.match(status, /^Connection failed: policy-denied \(4004\): /, `${target}: ${status}`);
    await page.waitForFunction(() => !document.getElementById('connect').disabled);
  }
});
