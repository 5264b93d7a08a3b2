// examples/stomp end to end: a private RabbitMQ node with the STOMP plugin (run-rabbitmq.sh:
// its own epmd, data dir and loopback ports), the gateway jar with examples/stomp/stomp.policy,
// the page (STOMP over the CometSocket facade) in headless Chromium, and "bob", a plain TCP
// STOMP client of this test connected straight to the broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import {
  EXAMPLES, requireBinaries, tempDir, assertPortsFree, startListening, startAll, stopProcess,
  startGateway, launchBrowser, removeDir, RecordReader, explained,
} from './harness.js';

const STOMP_PORT = 26613;
const GATEWAY_PORT = 26280;
const PRIVATE_PORTS = [26369, 26673]; // the node's epmd and distribution ports
const dir = path.join(EXAMPLES, 'stomp');
const RABBITMQ = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const EPMD = '/usr/bin/epmd';

function stompFrame(command, headers, body = '') {
  return `${command}\n${Object.entries(headers).map(([k, v]) => `${k}:${v}`).join('\n')}\n\n${body}\0`;
}

async function stompClient() {
  const socket = net.connect({ host: '127.0.0.1', port: STOMP_PORT });
  const frames = new RecordReader(socket, '\0');
  const send = (command, headers, body) => socket.write(stompFrame(command, headers, body));
  send('CONNECT', { 'accept-version': '1.2', host: '/', login: 'chat', passcode: 'chat-example-password' });
  await frames.next((f) => f.trimStart().startsWith('CONNECTED\n'), 'CONNECTED');
  return { socket, frames, send };
}

/** The broker, then the gateway; if either fails, whatever started is stopped (harness startAll). */
async function startServers(t, tmp) {
  await assertPortsFree([STOMP_PORT, GATEWAY_PORT, ...PRIVATE_PORTS]);
  return startAll(async (started) => {
    const begun = Date.now();
    started.broker = await startListening('rabbitmq', 'sh', [path.join(dir, 'run-rabbitmq.sh'), path.join(tmp, 'rabbitmq')],
      { cwd: tmp, logFile: path.join(tmp, 'rabbitmq.log') }, STOMP_PORT, 90000);
    t.diagnostic(`RabbitMQ STOMP listener up after ${Date.now() - begun} ms`);
    started.gateway = await startGateway({ policy: path.join(dir, 'stomp.policy'), staticDir: path.join(dir, 'web'), port: GATEWAY_PORT, dir: tmp });
  });
}

test('the STOMP page chats with a second STOMP client through the gateway and RabbitMQ, with receipts', async (t) => {
  if (!requireBinaries(t, { [RABBITMQ]: 'rabbitmq-server', [EPMD]: 'erlang-base' })) return;
  const tmp = tempDir('stomp');
  let servers = {}; let browser; let bob; let page;
  t.after(async () => {
    bob?.socket.destroy();
    await browser?.close().catch(() => {});
    await stopProcess(servers.gateway);
    await stopProcess(servers.broker, 20000);
    removeDir(tmp);
  });
  await explained(() => page, [path.join(tmp, 'gateway.log'), path.join(tmp, 'rabbitmq.log')], async () => {
    servers = await startServers(t, tmp);
    bob = await stompClient();
    bob.send('SUBSCRIBE', { id: 's1', destination: '/topic/chat.lobby', receipt: 'sub' });
    await bob.frames.next((f) => /^\s*RECEIPT\n(.*\n)*receipt-id:sub\n/.test(f), "bob's subscription receipt");

    browser = await launchBrowser();
    page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
    await page.fill('#passcode', 'chat-example-password');
    await page.fill('#room', 'lobby');
    await page.fill('#name', 'alice');
    await page.click('#connect');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'In room lobby (/topic/chat.lobby).', null, { timeout: 20000 });

    await page.fill('#text', 'hello from the browser: ünïcödé');
    await page.click('#send');
    const message = await bob.frames.next((f) => f.trimStart().startsWith('MESSAGE\n'), "alice's MESSAGE at bob");
    assert.match(message, /\nx-name:alice\n/);
    assert.ok(message.endsWith('\n\nhello from the browser: ünïcödé'), message);
    // The broker's RECEIPT for the SEND reaches the page.
    await page.waitForFunction(() => document.querySelector('#log .line.out.confirmed')?.textContent.includes('(received by the broker)'), null, { timeout: 20000 });

    bob.send('SEND', { destination: '/topic/chat.lobby', 'x-name': 'bob', 'content-type': 'text/plain' }, 'hi alice, bob here');
    await page.waitForFunction(() => [...document.querySelectorAll('#log .in')].some((d) => d.textContent.endsWith('bob: hi alice, bob here')), null, { timeout: 20000 });
    assert.deepEqual(pageErrors, []);
  });
});

test('the STOMP page shows clear errors for a wrong passcode and a target the policy does not allow', async (t) => {
  if (!requireBinaries(t, { [RABBITMQ]: 'rabbitmq-server', [EPMD]: 'erlang-base' })) return;
  const tmp = tempDir('stomp-denied');
  let servers = {}; let browser; let page;
  t.after(async () => {
    await browser?.close().catch(() => {});
    await stopProcess(servers.gateway);
    await stopProcess(servers.broker, 20000);
    removeDir(tmp);
  });
  await explained(() => page, [path.join(tmp, 'gateway.log'), path.join(tmp, 'rabbitmq.log')], async () => {
    servers = await startServers(t, tmp);
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
    const attempt = async (server, passcode) => {
      await page.fill('#server', server);
      await page.fill('#passcode', passcode);
      await page.click('#connect');
      await page.waitForFunction(() => document.getElementById('status').className === 'error', null, { timeout: 20000 });
      const status = await page.textContent('#status');
      await page.waitForFunction(() => !document.getElementById('connect').disabled, null, { timeout: 20000 });
      return status;
    };
    assert.match(await attempt('stomp', 'wrong'), /^Broker error: (Bad CONNECT|Access refused)/);
    assert.match(await attempt(`127.0.0.1:${STOMP_PORT}`, 'chat-example-password'), /^Connection failed: policy-denied \(4004\): /);
    assert.match(await attempt('other-broker', 'chat-example-password'), /^Connection failed: policy-denied \(4004\): /);
  });
});
