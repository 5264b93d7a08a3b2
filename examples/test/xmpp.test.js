// examples/xmpp end to end: prosody on loopback (direct TLS, certificates from the gateway's
// own dev CA made at test time), the gateway jar with examples/xmpp/xmpp.policy (TLS to prosody,
// verified), the page in headless Chromium, and "bob", a plain TLS XMPP client of this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import {
  EXAMPLES, requireBinaries, tempDir, assertPortsFree, startListening, startAll, stopProcess,
  startGateway, launchBrowser, copyInto, removeDir, cometgateCert, explained,
} from './harness.js';

const XMPP_PORT = 26223;
const GATEWAY_PORT = 26180;
const DOMAIN = 'xmpp.cometgate.test';
const PROSODY = '/usr/bin/prosody';
const PROSODYCTL = '/usr/bin/prosodyctl';
const dir = path.join(EXAMPLES, 'xmpp');

/** Everything a test needs up: prosody with users alice and bob, and the gateway. */
async function startServers(tmp) {
  // Verbatim copies, so their relative paths (data/, tls/) resolve inside the temp dir.
  const config = copyInto(path.join(dir, 'prosody.cfg.lua'), tmp);
  const policy = copyInto(path.join(dir, 'xmpp.policy'), tmp);
  cometgateCert(['ca', '--out', 'tls/ca', '--cn', 'cometgate xmpp example CA'], tmp);
  cometgateCert(['issue', '--ca', 'tls/ca', '--name', DOMAIN, '--out', 'tls/prosody'], tmp);
  for (const [user, password] of [['alice', 'alice-secret'], ['bob', 'bob-secret']]) {
    execFileSync(PROSODYCTL, ['--config', config, 'register', user, DOMAIN, password], { cwd: tmp, stdio: 'pipe' });
  }
  return startAll(async (started) => { // prosody is stopped if the gateway fails to start
    started.prosody = await startListening('prosody', PROSODY, ['--config', config, '-F'],
      { cwd: tmp, logFile: path.join(tmp, 'prosody.log') }, XMPP_PORT, 30000);
    started.gateway = await startGateway({ policy, staticDir: path.join(dir, 'web'), port: GATEWAY_PORT, dir: tmp });
  });
}

/** A minimal XMPP client over TLS straight to prosody; `until(re)` waits for new stream text. */
async function xmppClient(tmp, user, password) {
  const socket = tls.connect({ host: '127.0.0.1', port: XMPP_PORT, servername: DOMAIN, ca: readFileSync(path.join(tmp, 'tls/ca/ca.pem')) });
  let text = '';
  let waiters = [];
  socket.setEncoding('utf8');
  socket.on('data', (d) => { text += d; for (const w of waiters) w(); });
  socket.on('error', () => {});
  const until = (re, what, timeoutMs = 20000) => new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(text);
      if (!m) return;
      text = text.slice(m.index + m[0].length);
      done();
      resolve(m);
    };
    const timer = setTimeout(() => { done(); reject(new Error(`${user}: timed out waiting for ${what}; stream so far: ${text.slice(-600)}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); waiters = waiters.filter((w) => w !== check); };
    waiters.push(check);
    check();
  });
  const send = (xml) => socket.write(xml);
  const header = `<?xml version='1.0'?><stream:stream to='${DOMAIN}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;
  await new Promise((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
  send(header);
  await until(/<mechanism>PLAIN<\/mechanism>[\s\S]*?<\/stream:features>/, 'SASL PLAIN offered');
  send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from(`\0${user}\0${password}`).toString('base64')}</auth>`);
  await until(/<success[\s/>]/, 'SASL success');
  send(header);
  await until(/<\/stream:features>/, 'post-auth features');
  send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>test</resource></bind></iq>");
  await until(/<jid>[^<]+<\/jid>/, 'bound JID');
  send('<presence/>');
  return { socket, until, send };
}

test('the XMPP page logs in over the gateway\'s verified TLS and chats with a second XMPP client', async (t) => {
  if (!requireBinaries(t, { [PROSODY]: 'prosody', [PROSODYCTL]: 'prosody' })) return;
  await assertPortsFree([XMPP_PORT, GATEWAY_PORT]);
  const tmp = tempDir('xmpp');
  let servers = {}; let browser; let bob; let page;
  t.after(async () => {
    bob?.socket.destroy();
    await browser?.close().catch(() => {});
    await stopProcess(servers.gateway);
    await stopProcess(servers.prosody);
    removeDir(tmp);
  });
  await explained(() => page, [path.join(tmp, 'gateway.log'), path.join(tmp, 'prosody.log')], async () => {
    servers = await startServers(tmp);
    bob = await xmppClient(tmp, 'bob', 'bob-secret');

    browser = await launchBrowser();
    page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
    await page.fill('#jid', `alice@${DOMAIN}`);
    await page.fill('#password', 'alice-secret');
    await page.click('#login');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Online as alice@'), null, { timeout: 20000 });
    assert.equal(await page.textContent('#status'), `Online as alice@${DOMAIN}/web.`);

    await page.fill('#to', `bob@${DOMAIN}`);
    await page.fill('#body', 'hello bob <from the browser> & co');
    await page.click('#send');
    const m = await bob.until(/<message [^>]*from=['"](alice@xmpp\.cometgate\.test\/web)['"][^>]*>[\s\S]*?<body>([^<]*)<\/body>/, "alice's message at bob");
    assert.equal(m[2], 'hello bob &lt;from the browser&gt; &amp; co');

    bob.send(`<message to='${m[1]}' type='chat' id='r1'><body>hi alice &amp; welcome</body></message>`);
    await page.waitForFunction(() => [...document.querySelectorAll('#log .in')].some((d) => d.textContent.endsWith('bob@xmpp.cometgate.test: hi alice & welcome')), null, { timeout: 20000 });

    // Directed presence from bob reaches the page too.
    bob.send(`<presence to='${m[1]}'><show>chat</show></presence>`);
    await page.waitForFunction(() => [...document.querySelectorAll('#log .presence')].some((d) => d.textContent.includes('bob@xmpp.cometgate.test/test is chat')), null, { timeout: 20000 });
    assert.deepEqual(pageErrors, []);
  });
});

test('the XMPP page shows clear errors for a wrong password and a target the policy does not allow', async (t) => {
  if (!requireBinaries(t, { [PROSODY]: 'prosody', [PROSODYCTL]: 'prosody' })) return;
  await assertPortsFree([XMPP_PORT, GATEWAY_PORT]);
  const tmp = tempDir('xmpp-denied');
  let servers = {}; let browser; let page;
  t.after(async () => {
    await browser?.close().catch(() => {});
    await stopProcess(servers.gateway);
    await stopProcess(servers.prosody);
    removeDir(tmp);
  });
  await explained(() => page, [path.join(tmp, 'gateway.log'), path.join(tmp, 'prosody.log')], async () => {
    servers = await startServers(tmp);
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${GATEWAY_PORT}/`);
    const attempt = async (server, password) => {
      await page.fill('#server', server);
      await page.fill('#password', password);
      await page.click('#login');
      await page.waitForFunction(() => document.getElementById('status').className === 'error', null, { timeout: 20000 });
      const status = await page.textContent('#status');
      await page.waitForFunction(() => !document.getElementById('login').disabled, null, { timeout: 20000 });
      return status;
    };
    assert.equal(await attempt('xmpp', 'wrong'), 'Error: login failed: not-authorized');
    assert.match(await attempt(`127.0.0.1:${XMPP_PORT}`, 'alice-secret'), /^Error: policy-denied \(4004\): /);
    assert.match(await attempt('other-xmpp', 'alice-secret'), /^Error: policy-denied \(4004\): /);
  });
});
